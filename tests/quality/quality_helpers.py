"""Builders shared by the service-quality tests."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import Page

from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive, Owner


def archive_root():
    return ArchiveRoot.objects.first() or Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="档案库", slug="dangan")
    )


def make_estate(title="翠湖花园", slug="cuihu-q"):
    return archive_root().add_child(instance=Estate(title=title, slug=slug))


def make_building(estate, title):
    return estate.add_child(instance=Building(title=title, slug=f"{estate.slug}-{title}"))


def add_household(building, room, owner=None, **fields):
    household = building.add_child(
        instance=HouseholdArchive(floor=int(room[:-2]), room=room, **fields)
    )
    if owner:
        Owner.objects.create(household=household, **owner)
    return household


def png_upload(name="photo.png", colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def small_checklist(name="测试标准", amounts=("0.5", "0.3")):
    """Two indicators: 行为规范 (2 points, per person) and 客户档案 (1 point, per problem)."""
    from quality.models import Checklist, ChecklistIndicator, ChecklistItem

    checklist = Checklist.objects.create(name=name)
    ChecklistIndicator.objects.create(checklist=checklist, name="行为规范", points=Decimal("2"))
    ChecklistIndicator.objects.create(checklist=checklist, name="客户档案", points=Decimal("1"))
    ChecklistItem.objects.create(
        checklist=checklist, indicator_name="客户档案", title="档案齐全", standard="资料齐全",
        method="records", rule="per_problem", amount=Decimal(amounts[0]),
    )
    ChecklistItem.objects.create(
        checklist=checklist, indicator_name="行为规范", title="电话礼仪", standard="三声内接听",
        method="staff", rule="per_person", amount=Decimal(amounts[1]),
    )
    return checklist
