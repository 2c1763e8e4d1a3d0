from django.urls import path

from cms.archives import views
from cms.archives.import_views import ArchiveImportView, ImportTemplateView
from cms.archives.listings import CatalogueView, GrantIndexView, HoldIndexView, HouseholdIndexView
from cms.archives.report_views import RegisterReportView

app_name = "archives_admin"

urlpatterns = [
    path("", HouseholdIndexView.as_view(), name="households"),
    path(
        "households/results/",
        HouseholdIndexView.as_view(results_only=True),
        name="households_results",
    ),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/contact/", views.change_contact, name="change_contact"),
    path("households/<int:pk>/owner/", views.change_owner, name="change_owner"),
    path("households/<int:pk>/close/", views.close_or_reopen, name="close_or_reopen"),
    path("households/<int:pk>/contacts/add/", views.add_contact, name="add_contact"),
    path("access/request/", views.request_access, name="request_access"),
    path("access/", GrantIndexView.as_view(), name="grants"),
    path("access/results/", GrantIndexView.as_view(results_only=True), name="grants_results"),
    path(
        "access/<int:pk>/<str:decision>/",
        views.decide_grant,
        name="decide_grant",
    ),
    path("register/", RegisterReportView.as_view(), name="register"),
    path(
        "register/results/",
        RegisterReportView.as_view(results_only=True),
        name="register_results",
    ),
    path("catalogue/", CatalogueView.as_view(), name="catalogue"),
    path("import/", ArchiveImportView.as_view(), name="import"),
    path("import/template/", ImportTemplateView.as_view(), name="import_template"),
    path("reports/", views.reports, name="reports"),
    path("holds/", HoldIndexView.as_view(), name="holds"),
    path("holds/results/", HoldIndexView.as_view(results_only=True), name="holds_results"),
    path("holds/<int:pk>/lift/", views.lift_hold, name="lift_hold"),
]
