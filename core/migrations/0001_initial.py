"""The numbering and resubmission tables move from the cms app to core as they are: only
Django's record of which app owns them changes, no row is touched."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cms", "0003_merge_0002_chinese_defaults_0002_submitted_form"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="NumberSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("series", models.CharField(max_length=50, verbose_name="编号系列")),
                ("year", models.PositiveIntegerField(verbose_name="年度")),
                ("last_number", models.PositiveIntegerField(default=0, verbose_name="已用至")),
            ],
            options={
                "verbose_name": "编号序列",
                "verbose_name_plural": "编号序列",
                "db_table": "cms_numbersequence",
                "constraints": [models.UniqueConstraint(fields=("series", "year"), name="unique_series_year")],
            },
        ),
        migrations.CreateModel(
            name="SubmittedForm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=64, unique=True, verbose_name="表单令牌")),
                ("result_url", models.CharField(max_length=300, verbose_name="处理结果地址")),
                ("label", models.CharField(max_length=200, verbose_name="处理结果")),
                ("submitted_at", models.DateTimeField(auto_now_add=True, verbose_name="提交时间")),
            ],
            options={
                "verbose_name": "已处理表单",
                "verbose_name_plural": "已处理表单",
                "db_table": "cms_submittedform",
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
