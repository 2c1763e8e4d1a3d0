from django.urls import path

from quality import views

urlpatterns = [path("<str:token>/", views.public_survey, name="quality_public_survey")]
