from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from api.main import api
from api.views import wagtail_page_detail_or_refusal
from cms import views
from cms.api import api_router

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/pages/<int:pk>/", wagtail_page_detail_or_refusal),
    path("api/v2/", api_router.urls),
    path("api/", api.urls),
    path("track/", include("portal.urls")),
    path("archives/", include("cms.archives.urls")),
    path("cases/", include("cases.urls")),
    path("search/", include("search.urls")),
    path("notices/", include("doc_templates.urls")),
    path("survey/", include("quality.urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("pages/", include(wagtail_urls))]

handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
