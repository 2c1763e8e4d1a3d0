from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("query.json", views.search_json, name="query"),
    path("suggest.json", views.suggest_json, name="suggest"),
    path("open/<str:kind>/<int:object_id>/", views.open_hit, name="open"),
    path("opened/<str:kind>/<int:object_id>/", views.hit_opened, name="opened"),
]
