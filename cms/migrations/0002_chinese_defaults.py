"""Wagtail's own first rows (the tree root, its welcome page, the default site and the
default moderation workflow) are created with English names that staff then read in breadcrumbs, page
settings and the 提交审核 button; give them Chinese ones."""

from django.db import migrations

ENGLISH_TO_CHINESE = {
    "Root": "根目录",
    "Welcome to your new Wagtail site!": "首页",
    "Moderators approval": "主管审核",
}
SITE_NAME = "物业档案与案件库"


def name_in_chinese(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for english, chinese in ENGLISH_TO_CHINESE.items():
        Page.objects.filter(depth__lte=2, title=english).update(title=chinese, draft_title=chinese)
        Workflow.objects.filter(name=english).update(name=chinese)
        Task.objects.filter(name=english).update(name=chinese)
    Site.objects.filter(site_name="").update(site_name=SITE_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(name_in_chinese, migrations.RunPython.noop)]
