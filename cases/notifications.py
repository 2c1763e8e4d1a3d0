"""Tell managers about a major case at once: in the admin and by e-mail."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse


def managers():
    """Everyone who may handle a major case, whether through a role or in person."""
    return get_user_model().objects.with_perm("cases.handle_major_case")


def notify_managers_of_major_case(case_id):
    from cases.models import Case, ManagerNotice

    case = Case.objects.get(pk=case_id)
    recipients = list(managers())
    subject = f"【重大投诉】{case.number} {case.topic}"
    body = (
        f"{case.get_kind_display()} {case.number} 已定为重大案件并单独立卷。\n"
        f"主题：{case.topic}\n地点：{case.location}\n内容：{case.description}\n"
        f"请登录后台查看：{settings.WAGTAILADMIN_BASE_URL + reverse('cases:detail', args=[case.pk])}"
    )
    for user in recipients:
        ManagerNotice.objects.get_or_create(case=case, user=user, defaults={"message": subject})
    addresses = [user.email for user in recipients if user.email]
    if addresses:
        send_mail(subject, body, None, addresses)
