from django.urls import path

from cms.archives import views

app_name = "archives"

urlpatterns = [
    path("papers/<int:pk>/", views.download_paper, name="paper"),
]
