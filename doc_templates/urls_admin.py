"""Admin URLs of the notices area, mounted at /admin/notices/ (wagtail_hooks); the lists
(issued notices at /admin/notices/, templates/, batches/) are the viewsets in listings.py."""

from django.urls import path

from doc_templates import views

app_name = "doc_templates"

urlpatterns = [
    path("case/<int:case_id>/", views.case_notices, name="case"),
    path("case/<int:case_id>/record/", views.case_record, name="case_record"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/download/", views.notice_download, name="download"),
    path("<int:pk>/download/pdf/", views.notice_download_pdf, name="download_pdf"),
    path("<int:pk>/pdf/retry/", views.notice_pdf_retry, name="pdf_retry"),
    path("<int:pk>/correct/", views.notice_correct, name="correct"),
    path("verify/", views.verify, name="verify"),
    path("templates/upload/", views.template_upload, name="template_upload"),
    path("templates/<int:pk>/download/", views.template_download, name="template_download"),
    path("batch/", views.batch_start, name="batch_start"),
    path("batch/<int:pk>/", views.batch_detail, name="batch"),
    path("batch/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("batch/<int:pk>/download/", views.batch_download, name="batch_download"),
]
