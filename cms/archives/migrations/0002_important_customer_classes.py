from django.db import migrations

CLASSES = [
    ("government_media", "本人或家属在政府、媒体工作"),
    ("committee_leader", "业委会委员或社团负责人"),
    ("group_employee", "集团公司员工业主"),
    ("key_complainant", "重点投诉客户"),
    ("big_customer", "大客户（学校、商铺等）"),
    ("online_active", "网络论坛活跃人士"),
]


def add_classes(apps, schema_editor):
    ImportantCustomerClass = apps.get_model("archives", "ImportantCustomerClass")
    for order, (code, name) in enumerate(CLASSES, start=1):
        ImportantCustomerClass.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial")]

    operations = [migrations.RunPython(add_classes, migrations.RunPython.noop)]
