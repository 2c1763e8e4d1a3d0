"""Owner archives (业户档案): one Wagtail page per room, filed estate → building → household.

Archives are top secret (绝密) and kept permanently (永久保存): no page of this tree is
ever served on the site, reading goes through ``cms.archives.policy`` and nothing here
can be deleted (see ``permanence``).
"""

import re
from datetime import date, timedelta
from functools import lru_cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Left, Length
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, PageManager, PagePermissionTester
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms.archives.masking import mask_id_number, mask_phone
from cms.archives.validators import mainland_id_is_valid, normalized_phone, validate_phone
from core.append_only import AppendOnlyModel
from core.storage import PrivateStorage


class IdNumberField(models.CharField):
    """An identity number: masked in every comparison and listing outside the edit view."""

    mask = staticmethod(mask_id_number)


class PhoneField(models.CharField):
    """A phone number, checked for Chinese mobile or landline form and masked outside the edit view."""

    mask = staticmethod(mask_phone)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_phone])
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalized_phone(value) if value else value

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs


class ArchiveDeletionRefused(Exception):
    """Raised on any attempt to delete a household archive (永久保存)."""

    message = "业户档案永久保存，任何人都不能删除（可以办理归档关闭，且可随时恢复）。"

    def __init__(self, message=None):
        super().__init__(message or self.message)


class ArchiveTreeQuerySet(PageQuerySet):
    """Page querysets of the archive tree: a delete is explained and recorded before
    the database refuses it."""

    def delete(self, *args, **kwargs):
        from cms.archives.permanence import refuse_if_archives_within

        refuse_if_archives_within(self, via="queryset")
        return super().delete(*args, **kwargs)

    delete.alters_data = True
    delete.queryset_only = True


ArchiveTreeManager = PageManager.from_queryset(ArchiveTreeQuerySet)


class PermanentPagePermissionTester(PagePermissionTester):
    """The archive policy asked at Wagtail's own seams: no page of the archive tree is
    ever deleted; a household is edited, published, previewed or compared only by
    those the policy lets read it, and an estate or building only by those who may
    see it listed."""

    def _policy_allows(self):
        from cms.archives import policy

        if isinstance(self.page.specific_deferred, HouseholdArchive):
            return policy.can_read_household(self.user, self.page)
        return policy.can_see_archive_page(self.user, self.page)

    def can_delete(self, ignore_bulk=False):
        return False

    def _held(self):
        from cms.archives.holds import is_held

        return isinstance(self.page.specific_deferred, HouseholdArchive) and is_held(self.page)

    def can_edit(self):
        return super().can_edit() and self._policy_allows() and not self._held()

    def can_publish(self):
        return super().can_publish() and self._policy_allows() and not self._held()

    def can_add_subpage(self):
        return super().can_add_subpage() and self._policy_allows()


class ArchiveTreePage(Page):
    """Common behaviour of the four archive page types: never public, never deleted."""

    objects = ArchiveTreeManager()

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        raise Http404("业户档案不对外公开")

    # Only a household has a preview (an admin-only, masked rendering).
    preview_modes = []
    # An archive, not a web page: no SEO, public-title or publishing-schedule fields.
    promote_panels = []
    settings_panels = []

    def get_sitemap_urls(self, request=None):
        return []

    def permissions_for_user(self, user):
        return PermanentPagePermissionTester(user, self)

    def delete(self, *args, **kwargs):
        from cms.archives.permanence import refuse_if_archives_within

        refuse_if_archives_within([self], via="model")
        return super().delete(*args, **kwargs)


class ArchiveRoot(ArchiveTreePage):
    """档案库: the single root of all owner archives."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["archives.Estate"]
    max_count = 1

    content_panels = [
        FieldPanel("title", heading="档案库名称", help_text="如 业户档案库；只在后台显示"),
    ]

    class Meta:
        verbose_name = "档案库"
        verbose_name_plural = "档案库"


class Estate(ArchiveTreePage):
    """小区: one residential estate served by the centre."""

    address = models.CharField("小区地址", max_length=200, blank=True)

    content_panels = [
        FieldPanel("title", heading="小区名称", help_text="如 翠湖花园"),
        FieldPanel("address"),
    ]

    parent_page_types = ["archives.ArchiveRoot"]
    subpage_types = ["archives.Building"]

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = "小区"


class Building(ArchiveTreePage):
    """楼栋: a building of an estate; its title is the building name, e.g. "3栋".

    Butler groups (片区管家) assigned here may only ever see households of their
    buildings (see policy).
    """

    butler_groups = ParentalManyToManyField(
        "auth.Group", blank=True, related_name="archive_buildings", verbose_name="片区管家组"
    )

    content_panels = [
        FieldPanel("title", heading="楼栋名称", help_text="如 3栋"),
        FieldPanel("butler_groups"),
    ]

    parent_page_types = ["archives.Estate"]
    subpage_types = ["archives.HouseholdArchive"]

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = "楼栋"

    @property
    def estate(self):
        return Estate.objects.get(path=self.path[: -self.steplen])


class ImportantCustomerClass(models.Model):
    """One of the six kinds of important customer (重要客户) in the domain brief."""

    code = models.SlugField("代码", unique=True)
    name = models.CharField("名称", max_length=50)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "重要客户类别"
        verbose_name_plural = "重要客户类别"
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class TenureStage(models.TextChoices):
    NEW = "new", "新客户"
    BREAK_IN = "break_in", "磨合期"
    STABLE = "stable", "稳定期"
    VETERAN = "veteran", "老客户"


def months_before(day, months):
    """The same day ``months`` earlier, clamped to the month's end (31 Mar − 1 month = 28/29 Feb)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month_first = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month_first - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def tenure_thresholds(today):
    """Move-in dates on or before which a household has reached each later stage."""
    return {
        TenureStage.BREAK_IN: months_before(today, 6),
        TenureStage.STABLE: months_before(today, 12),
        TenureStage.VETERAN: months_before(today, 24),
    }


def tenure_stage(move_in_date, today=None):
    """Stage on ``today``: under 6 months new, 6–12 months break-in, 1–2 years stable,
    2 years or more veteran. Computed at read time so it never goes stale."""
    if move_in_date is None:
        return None
    thresholds = tenure_thresholds(today or timezone.localdate())
    for stage in (TenureStage.VETERAN, TenureStage.STABLE, TenureStage.BREAK_IN):
        if move_in_date <= thresholds[stage]:
            return stage
    return TenureStage.NEW


class HouseholdQuerySet(ArchiveTreeQuerySet):
    def in_tenure_stage(self, stage, today=None):
        thresholds = tenure_thresholds(today or timezone.localdate())
        bounds = {
            TenureStage.NEW: {"move_in_date__gt": thresholds[TenureStage.BREAK_IN]},
            TenureStage.BREAK_IN: {
                "move_in_date__gt": thresholds[TenureStage.STABLE],
                "move_in_date__lte": thresholds[TenureStage.BREAK_IN],
            },
            TenureStage.STABLE: {
                "move_in_date__gt": thresholds[TenureStage.VETERAN],
                "move_in_date__lte": thresholds[TenureStage.STABLE],
            },
            TenureStage.VETERAN: {"move_in_date__lte": thresholds[TenureStage.VETERAN]},
        }
        return self.filter(**bounds[stage])

    def in_room_order(self):
        return self.order_by("unit_order", "unit", "floor", "room_order", "room")

    def in_catalogue_order(self):
        """Building by building (tree order), then floor and room order within each."""
        building_path = Left("path", Length("path") - Page.steplen)
        return self.annotate(building_path=building_path).order_by(
            "building_path", "unit_order", "unit", "floor", "room_order", "room"
        )

    def open(self):
        return self.filter(is_closed=False)


HouseholdManager = PageManager.from_queryset(HouseholdQuerySet)


def leading_number(text):
    match = re.match(r"\d+", text or "")
    return int(match.group()) if match else 0


def room_label(unit, room):
    """A household's title: 1单元 801室, or 801室 without a unit."""
    return f"{unit}单元 {room}室" if unit else f"{room}室"


def room_slug(unit, room):
    """Latin letters for the unit (东 → dong), so units differing only in Chinese
    characters never share a slug."""
    slug = re.sub(r"[^0-9a-zA-Z-]", "", f"{_unit_in_latin(unit)}-{room}".strip("-")).strip("-")
    return slug.lower() or f"room-{leading_number(room)}"


@lru_cache(maxsize=1024)
def _unit_in_latin(unit):
    # An estate has a handful of unit names, each spelt out once per import.
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(unit)) if unit else ""


class PaperFileInput(forms.ClearableFileInput):
    """The stored paper shown by name with its permission-checked download link: the
    private storage has no URLs, and a paper is replaced, never cleared."""

    template_name = "archives/widgets/paper_file_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        paper = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and paper is not None and paper.pk:
            from django.urls import reverse

            context["widget"]["download_url"] = reverse("archives:paper", args=[paper.pk])
            context["widget"]["file_name"] = value.name.rsplit("/", 1)[-1]
        return context

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


def room_key_taken(building, unit, room, exclude_pk=None):
    """One archive per room of a building: the same unit and room number twice is a
    duplicate, whatever the unit is called (东单元 301 and 西单元 301 are two rooms)."""
    clash = HouseholdArchive.objects.child_of(building).filter(unit=unit.strip(), room=room.strip())
    return clash.exclude(pk=exclude_pk).exists() if exclude_pk else clash.exists()


def free_slug(building, base, exclude_pk=None):
    """``base``, or ``base-2``, ``base-3`` … when a sibling already uses it."""
    taken = set(building.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


class HouseholdPageForm(WagtailAdminPageForm):
    """A duplicate room is a Chinese error on the room field, the input kept."""

    PAPER_KEPT = "档案资料永久保存，不能删除；如已被新资料取代，请勾选“已作废”或更换文件。"

    def clean(self):
        cleaned = super().clean()
        self.refuse_removed_papers()
        building = self.parent_page if self.instance._state.adding else self.instance.get_parent()
        unit, room = (cleaned.get("unit") or "").strip(), (cleaned.get("room") or "").strip()
        if building is None or not room:
            return cleaned
        if room_key_taken(building, unit, room, exclude_pk=self.instance.pk):
            label = f"{unit}单元 {room}室" if unit else f"{room}室"
            self.add_error("room", f"本楼栋已有 {label} 的档案，不能重复建档；请核对单元和房号。")
            return cleaned
        self.instance.unit, self.instance.room = unit, room
        self.instance.slug = free_slug(building, self.instance.room_slug(), self.instance.pk)
        return cleaned

    def save(self, commit=True):
        """An owner taken off the card in the editor is an explicit change: who, when
        and every value of the removed owner stay in the archive's change record."""
        page = super().save(commit=commit)
        removed = (
            [
                form.instance
                for form in self.formsets["owners"].forms
                if form.instance.pk and form["DELETE"].data
            ]
            if "owners" in self.formsets
            else []
        )
        if removed and page.pk:
            ArchiveChange.objects.create(
                household_id=page.pk,
                kind=ArchiveChange.Kind.OWNER_REMOVED,
                changed_by=self.for_user,
                reason="在档案编辑页删除业主记录",
                before={"owners": [owner_snapshot(owner) for owner in removed]},
                after={},
            )
        return page

    def refuse_removed_papers(self):
        papers = self.formsets.get("papers")
        for form in papers.forms if papers else []:
            if form.instance.pk and "DELETE" in form.fields and form["DELETE"].data:
                form.add_error(None, self.PAPER_KEPT)
                self.add_error(None, self.PAPER_KEPT)


class HouseholdArchive(ArchiveTreePage):
    """业户档案: the permanent, confidential file of one room and the people living there."""

    class PropertyType(models.TextChoices):
        RESIDENCE = "residence", "住宅"
        SHOP = "shop", "商铺"
        PARKING = "parking", "车位"
        OFFICE = "office", "写字间"
        STORAGE = "storage", "储藏室"

    class Occupancy(models.TextChoices):
        VACANT = "vacant", "空置"
        DECORATING = "decorating", "装修中"
        OWNER = "owner", "业主自住"
        RENTED = "rented", "出租"

    class Relationship(models.TextChoices):
        FIRST_CONTACT = "first_contact", "首次接触"
        FRIENDLY = "friendly", "友好"
        COMPLAINING = "complaining", "抱怨"

    unit = models.CharField("单元", max_length=10, blank=True)
    floor = models.SmallIntegerField("楼层")
    room = models.CharField("房号", max_length=20, help_text="如 1201")
    unit_order = models.PositiveIntegerField(editable=False, default=0)
    room_order = models.PositiveIntegerField(editable=False, default=0)
    floor_area = models.DecimalField(
        "建筑面积（㎡）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    property_type = models.CharField(
        "物业类型", max_length=20, choices=PropertyType.choices, default=PropertyType.RESIDENCE
    )
    handover_date = models.DateField("收楼时间", null=True, blank=True)
    move_in_date = models.DateField("入住时间", null=True, blank=True)
    occupancy = models.CharField(
        "入住状态", max_length=20, choices=Occupancy.choices, default=Occupancy.VACANT
    )

    important_classes = ParentalManyToManyField(
        ImportantCustomerClass, blank=True, verbose_name="重要客户类别"
    )
    relationship = models.CharField(
        "客户关系",
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.FIRST_CONTACT,
    )
    satisfaction = models.PositiveSmallIntegerField(
        "满意度",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1（很不满意）至 5（很满意）；3–4 分须填写关怀计划",
    )
    care_plan = models.TextField("关怀计划", blank=True)
    do_not_visit = models.BooleanField("谢绝拜访", default=False)
    do_not_visit_reason = models.CharField("谢绝拜访原因", max_length=200, blank=True)

    is_closed = models.BooleanField("已归档关闭", default=False)
    closed_at = models.DateTimeField("归档关闭时间", null=True, blank=True)
    closed_reason = models.CharField("归档关闭原因", max_length=200, blank=True)

    objects = HouseholdManager()

    content_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("unit"), FieldPanel("floor"), FieldPanel("room")]),
                FieldRowPanel([FieldPanel("floor_area"), FieldPanel("property_type")]),
                FieldRowPanel(
                    [
                        FieldPanel("handover_date"),
                        FieldPanel("move_in_date"),
                        FieldPanel("occupancy"),
                    ]
                ),
            ],
            heading="房屋",
        ),
        InlinePanel("owners", heading="业主", label="业主", min_num=0),
        InlinePanel("family_members", heading="家庭成员", label="家庭成员"),
        InlinePanel("tenants", heading="租户／商户", label="租户"),
        MultiFieldPanel(
            [
                FieldPanel("important_classes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("relationship"),
                FieldRowPanel([FieldPanel("satisfaction"), FieldPanel("care_plan")]),
                FieldRowPanel([FieldPanel("do_not_visit"), FieldPanel("do_not_visit_reason")]),
            ],
            heading="客户关系",
        ),
        InlinePanel("papers", heading="档案资料", label="资料"),
    ]
    promote_panels = []
    settings_panels = []
    base_form_class = HouseholdPageForm
    # The page chooser of a case form searches these: the address as callers say it.
    search_fields = [*Page.search_fields, index.AutocompleteField("spoken_addresses")]

    parent_page_types = ["archives.Building"]
    subpage_types = []

    class Meta:
        verbose_name = "业户档案"
        verbose_name_plural = "业户档案"
        permissions = [
            ("read_archive", "直接查阅全部业户档案"),
            ("approve_access", "审批业户档案查阅申请"),
            ("view_register", "查看并导出查阅登记簿"),
        ]

    def __str__(self):
        return self.title

    preview_modes = [("", "查阅预览")]

    def serve_preview(self, request, mode_name):
        """Admin preview only (the household viewset's views check and register the reading);
        identity numbers and phones are masked as everywhere outside the edit view."""
        owners = [
            {
                "name": owner.name,
                "id_number": mask_id_number(owner.id_number),
                "phone": mask_phone(owner.phone),
                "is_current": owner.is_current,
            }
            for owner in self.owners.all()
        ]
        return TemplateResponse(
            request, "archives/household_preview.html", {"household": self, "owners": owners}
        )

    # Titles and slugs follow from the room, so the archivist never types them.
    def room_label(self):
        return room_label(self.unit, self.room)

    def room_slug(self):
        return room_slug(self.unit, self.room)

    def full_clean(self, *args, **kwargs):
        self.title = self.room_label()
        if not self.slug:
            self.slug = self.room_slug()
        super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.satisfaction in (3, 4) and not self.care_plan.strip():
            raise ValidationError({"care_plan": "满意度为 3–4 分的客户须填写关怀计划。"})
        if self.do_not_visit and not self.do_not_visit_reason.strip():
            raise ValidationError({"do_not_visit_reason": "请填写谢绝拜访的原因。"})

    def save(self, *args, **kwargs):
        self.title = self.room_label()
        self.unit_order = leading_number(self.unit)
        self.room_order = leading_number(self.room)
        return super().save(*args, **kwargs)

    # Parents are cached so lists can attach them in bulk (see attach_parents).
    @property
    def building(self):
        if not hasattr(self, "_building"):
            self._building = Building.objects.get(path=self.path[: -self.steplen])
        return self._building

    @property
    def estate(self):
        if not hasattr(self, "_estate"):
            self._estate = Estate.objects.get(path=self.path[: -2 * self.steplen])
        return self._estate

    @property
    def address(self):
        return f"{self.estate.title} {self.building.title} {self.room_label()}"

    @property
    def spoken_addresses(self):
        """The room as a caller says it, written together (3栋1201, 3栋2单元1201室,
        翠湖花园3栋1201), so that what staff type while listening finds it."""
        building, room = self.building.title, self.room
        rooms = [room, f"{self.unit}单元{room}"] if self.unit else [room]
        said = [*rooms, *(f"{building}{r}" for r in rooms)]
        said += [f"{self.estate.title}{building}{r}" for r in rooms]
        return " ".join(f"{s} {s}室" for s in said)

    @property
    def current_owners(self):
        return [owner for owner in self.owners.all() if owner.is_current]

    @property
    def owner_names(self):
        return "、".join(owner.name for owner in self.current_owners)

    @property
    def tenure_stage(self):
        return tenure_stage(self.move_in_date)

    @property
    def tenure_stage_label(self):
        stage = self.tenure_stage
        return TenureStage(stage).label if stage else "未入住"


def attach_parents(households):
    """Give each household its building and estate with two queries in total."""
    households = list(households)
    steplen = Page.steplen
    building_paths = {h.path[:-steplen] for h in households}
    buildings = {b.path: b for b in Building.objects.filter(path__in=building_paths)}
    estates = {
        e.path: e for e in Estate.objects.filter(path__in={p[:-steplen] for p in building_paths})
    }
    for household in households:
        household._building = buildings[household.path[:-steplen]]
        household._estate = estates[household.path[: -2 * steplen]]
    return households


def owner_snapshot(owner):
    """Every value of an owner, as kept in a change record."""
    return {
        field.name: str(value) if (value := getattr(owner, field.attname)) is not None else None
        for field in Owner._meta.concrete_fields
        if field.name not in ("household", "sort_order")
    }


class Owner(Orderable):
    """业主: an owner on the owner card; former owners stay with their end date."""

    class Gender(models.TextChoices):
        MALE = "male", "男"
        FEMALE = "female", "女"

    class IdType(models.TextChoices):
        MAINLAND = "mainland", "居民身份证"
        HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
        TAIWAN = "taiwan", "台湾居民来往大陆通行证"
        PASSPORT = "passport", "护照"
        OTHER = "other", "其他证件"

    household = ParentalKey(HouseholdArchive, on_delete=models.CASCADE, related_name="owners")
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    id_type = models.CharField(
        "证件类型", max_length=20, choices=IdType.choices, default=IdType.MAINLAND
    )
    id_number = IdNumberField("证件号码", max_length=30, blank=True)
    phone = PhoneField("联系电话", blank=True)
    phone_alt = PhoneField("备用电话", blank=True)
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        "出生年份", null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    occupation = models.CharField("职业", max_length=50, blank=True)
    industry = models.CharField("行业", max_length=50, blank=True)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    job_title = models.CharField("职务", max_length=50, blank=True)
    specialties = models.CharField("特长", max_length=200, blank=True)
    hobbies = models.CharField("爱好", max_length=200, blank=True)
    personality = models.TextField("性格特点", blank=True)
    is_current = models.BooleanField("现业主", default=True)
    owned_since = models.DateField("产权起始", null=True, blank=True)
    owned_until = models.DateField("产权终止", null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("gender"), FieldPanel("birth_year")]),
        FieldRowPanel([FieldPanel("id_type"), FieldPanel("id_number")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("phone_alt"), FieldPanel("native_place")]),
        FieldRowPanel([FieldPanel("occupation"), FieldPanel("industry")]),
        FieldRowPanel([FieldPanel("employer"), FieldPanel("job_title")]),
        FieldRowPanel([FieldPanel("specialties"), FieldPanel("hobbies")]),
        FieldPanel("personality"),
        FieldRowPanel(
            [FieldPanel("is_current"), FieldPanel("owned_since"), FieldPanel("owned_until")]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "业主"
        verbose_name_plural = "业主"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.id_type == self.IdType.MAINLAND and self.id_number:
            self.id_number = self.id_number.strip().upper()
            if not mainland_id_is_valid(self.id_number):
                raise ValidationError(
                    {"id_number": "身份证号码无效：应为 18 位，且最后一位校验码须与前 17 位相符。"}
                )


class FamilyMember(Orderable):
    """家庭成员 living in the household."""

    household = ParentalKey(
        HouseholdArchive, on_delete=models.CASCADE, related_name="family_members"
    )
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("与业主关系", max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    phone = PhoneField("联系电话", blank=True)
    occupation = models.CharField("职业", max_length=50, blank=True)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    notes = models.CharField("备注", max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("relation"), FieldPanel("birth_year")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("occupation"), FieldPanel("employer")]),
        FieldPanel("notes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"

    def __str__(self):
        return self.name


class Tenant(Orderable):
    """租户 or 商户 (shop tenant) with the lease and the signed management agreement."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", "租户"
        SHOP = "shop", "商户"

    household = ParentalKey(HouseholdArchive, on_delete=models.CASCADE, related_name="tenants")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.RESIDENT)
    name = models.CharField("姓名／商号", max_length=100)
    phone = PhoneField("联系电话", blank=True)
    id_number = IdNumberField("证件号码", max_length=30, blank=True)
    lease_start = models.DateField("租期开始", null=True, blank=True)
    lease_end = models.DateField("租期结束", null=True, blank=True)
    agreement_signed = models.BooleanField("已签管理服务协议", default=False)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("name"), FieldPanel("phone")]),
        FieldRowPanel([FieldPanel("id_number"), FieldPanel("agreement_signed")]),
        FieldRowPanel([FieldPanel("lease_start"), FieldPanel("lease_end")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "租户"
        verbose_name_plural = "租户"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.lease_start and self.lease_end and self.lease_end < self.lease_start:
            raise ValidationError({"lease_end": "租期结束不能早于开始日期。"})


class PaperKind(models.TextChoices):
    DELIVERY_NOTICE = "delivery_notice", "交付通知书"
    OWNER_CARD = "owner_card", "业主资料卡"
    SERVICE_AGREEMENT = "service_agreement", "前期物业服务协议"
    CONVENTION = "convention", "管理规约"
    TENANT_AGREEMENT = "tenant_agreement", "租户/商户管理服务协议"
    ACCEPTANCE_RECORD = "acceptance_record", "房屋交付验收记录"
    DECORATION_APPLICATION = "decoration_application", "装修申请"
    DECORATION_PERMIT = "decoration_permit", "装修许可证"
    DECORATION_ACCEPTANCE = "decoration_acceptance", "装修验收记录"
    OTHER = "other", "其他"


class PaperPart(models.TextChoices):
    BASIC = "basic", "基本资料"
    DECORATION = "decoration", "装修资料"
    OTHER = "other", "其他资料"


PAPER_PARTS = {
    PaperKind.DELIVERY_NOTICE: PaperPart.BASIC,
    PaperKind.OWNER_CARD: PaperPart.BASIC,
    PaperKind.SERVICE_AGREEMENT: PaperPart.BASIC,
    PaperKind.CONVENTION: PaperPart.BASIC,
    PaperKind.TENANT_AGREEMENT: PaperPart.BASIC,
    PaperKind.ACCEPTANCE_RECORD: PaperPart.BASIC,
    PaperKind.DECORATION_APPLICATION: PaperPart.DECORATION,
    PaperKind.DECORATION_PERMIT: PaperPart.DECORATION,
    PaperKind.DECORATION_ACCEPTANCE: PaperPart.DECORATION,
    PaperKind.OTHER: PaperPart.OTHER,
}

# The handover papers every household must hold (交付资料清单).
REQUIRED_HANDOVER_PAPERS = [
    PaperKind.DELIVERY_NOTICE,
    PaperKind.OWNER_CARD,
    PaperKind.SERVICE_AGREEMENT,
    PaperKind.CONVENTION,
    PaperKind.ACCEPTANCE_RECORD,
]


class ArchivePaper(Orderable):
    """An uploaded paper of the archive, stored outside MEDIA_ROOT and served only
    through the permission-checked download view."""

    household = ParentalKey(HouseholdArchive, on_delete=models.CASCADE, related_name="papers")
    kind = models.CharField("资料类型", max_length=30, choices=PaperKind.choices)
    file = models.FileField("文件", upload_to="archives/papers/%Y/%m/", storage=PrivateStorage())
    received_on = models.DateField("收取日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    superseded = models.BooleanField(
        "已作废（被新资料取代）", default=False, help_text="资料不删除；作废后仍保留在档案中"
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("received_on")]),
        FieldPanel("file", widget=PaperFileInput),
        FieldRowPanel([FieldPanel("note"), FieldPanel("superseded")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "档案资料"
        verbose_name_plural = "档案资料"

    def __str__(self):
        return self.get_kind_display()

    @property
    def part(self):
        return PAPER_PARTS[PaperKind(self.kind)]


class ArchiveChange(models.Model):
    """A change made to an archive by an explicit action (contact change, owner change,
    closing, reopening): who, when, why, before and after. Shown as the archive's timeline."""

    class Kind(models.TextChoices):
        FILED = "filed", "建档"
        CONTACT = "contact", "联系方式变更"
        OWNER = "owner", "业户更替"
        CLOSED = "closed", "归档关闭"
        REOPENED = "reopened", "恢复档案"
        IMPORTED = "imported", "批量导入"
        OWNER_REMOVED = "owner_removed", "删除业主记录"

    household = models.ForeignKey(
        HouseholdArchive, on_delete=models.PROTECT, related_name="changes", verbose_name="业户档案"
    )
    kind = models.CharField("变更类型", max_length=20, choices=Kind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="经办人",
    )
    changed_at = models.DateTimeField("时间", default=timezone.now)
    reason = models.CharField("原因", max_length=300)
    before = models.JSONField("变更前", default=dict, blank=True)
    after = models.JSONField("变更后", default=dict, blank=True)

    class Meta:
        verbose_name = "档案变更记录"
        verbose_name_plural = "档案变更记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.changed_at:%Y-%m-%d}"


class ContactLog(models.Model):
    """客户动态: one contact with the household; interviews (顾客访谈) carry need,
    measure, whether it was done and the satisfaction given."""

    class Channel(models.TextChoices):
        VISIT = "visit", "上门拜访"
        PHONE = "phone", "电话"
        FRONT_DESK = "front_desk", "前台来访"
        WECHAT = "wechat", "微信"
        LETTER = "letter", "信函"
        OTHER = "other", "其他"

    household = models.ForeignKey(
        HouseholdArchive,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name="业户档案",
    )
    contacted_on = models.DateField("日期", default=timezone.localdate)
    channel = models.CharField("方式", max_length=20, choices=Channel.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    summary = models.TextField("内容摘要")
    follow_up = models.TextField("跟进事项", blank=True)
    is_interview = models.BooleanField("顾客访谈", default=False)
    need = models.TextField("客户需求", blank=True)
    measure = models.TextField("改进措施", blank=True)
    done = models.BooleanField("已落实", default=False)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "客户动态"
        verbose_name_plural = "客户动态"
        ordering = ["-contacted_on", "-id"]

    def __str__(self):
        return f"{self.contacted_on} {self.get_channel_display()}"

    def clean(self):
        super().clean()
        if self.is_interview and not self.need.strip():
            raise ValidationError({"need": "顾客访谈须记录客户需求。"})


class AccessGrantQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(status=AccessGrant.Status.APPROVED, starts_at__lte=at, expires_at__gt=at)

    def pending(self):
        return self.filter(status=AccessGrant.Status.PENDING)


class AccessGrant(models.Model):
    """查阅申请: a request to read one household or one building's archives for a
    number of days; a manager approves or refuses it, and it expires by itself."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "已拒绝"

    class Purpose(models.TextChoices):
        READ = "read", "查阅档案"
        # Calling an owner back needs the number on the card, which every screen masks.
        CALLBACK = "callback", "以便回访（显示业主电话）"

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="archive_access_grants",
        verbose_name="申请人",
    )
    household = models.ForeignKey(
        HouseholdArchive,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_grants",
        verbose_name="业户档案",
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_grants",
        verbose_name="楼栋",
    )
    reason = models.CharField("查阅事由", max_length=300)
    purpose = models.CharField(
        "查阅用途", max_length=10, choices=Purpose.choices, default=Purpose.READ
    )
    duration_days = models.PositiveSmallIntegerField(
        "查阅期限（天）", default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    break_glass = models.BooleanField(
        "经理紧急自行开启",
        default=False,
        help_text="经理说明理由后自行开启查阅，不经他人审批；在查阅登记簿中特别标出",
    )
    starts_at = models.DateTimeField("生效时间", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "档案查阅申请"
        verbose_name_plural = "档案查阅申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(household__isnull=False, building__isnull=True)
                    | models.Q(household__isnull=True, building__isnull=False)
                ),
                name="access_grant_one_scope",
            )
        ]

    def __str__(self):
        return f"{self.requester} · {self.scope_label}"

    @property
    def for_callback(self):
        return self.purpose == self.Purpose.CALLBACK

    @property
    def scope_label(self):
        if self.household_id:
            return f"单户：{self.household.title}"
        return f"整栋：{self.building.title}"

    def clean(self):
        super().clean()
        if bool(self.household_id) == bool(self.building_id):
            raise ValidationError("请选择查阅范围：一户或一栋（二选一）。")

    def is_active(self, at=None):
        at = at or timezone.now()
        return (
            self.status == self.Status.APPROVED
            and self.starts_at is not None
            and self.starts_at <= at < self.expires_at
        )

    @property
    def status_label(self):
        if self.status == self.Status.APPROVED and self.expires_at <= timezone.now():
            return "已过期"
        return self.get_status_display()


class RegisterRecord(AppendOnlyModel):
    """A line of the archive's registers: added, never changed or removed."""

    refused_change = refused_delete = "登记簿只能追加，不能修改或删除。"

    class Meta:
        abstract = True


class AccessRecord(RegisterRecord):
    """查阅登记: one reading of one archive. Written by ``policy.record_access`` only."""

    class Via(models.TextChoices):
        ADMIN = "admin", "后台查看"
        PREVIEW = "preview", "预览"
        REVISIONS = "revisions", "修订版本"
        DOCUMENT = "document", "资料下载"
        EXPORT = "export", "导出"
        API = "api", "接口"
        SEARCH = "search", "检索结果"
        NOTICE = "notice", "文书"
        READ = "read", "查阅页"
        CALLBACK = "callback", "回访查看电话"
        CARE = "care", "关怀名单"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="查阅人",
    )
    household = models.ForeignKey(
        HouseholdArchive,
        on_delete=models.PROTECT,
        related_name="access_records",
        verbose_name="业户档案",
    )
    grant = models.ForeignKey(
        AccessGrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name="依据的查阅申请",
    )
    via = models.CharField("查阅途径", max_length=20)
    accessed_at = models.DateTimeField("查阅时间", default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    path = models.CharField("访问地址", max_length=500, blank=True)
    # The chain that makes the register tamper-evident (see register.py).
    previous_hash = models.CharField("上一条登记的校验值", max_length=64, blank=True)
    record_hash = models.CharField("本条登记的校验值", max_length=64, blank=True)

    class Meta:
        verbose_name = "查阅登记"
        verbose_name_plural = "查阅登记簿"
        ordering = ["-accessed_at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user} {self.via} {self.accessed_at:%Y-%m-%d %H:%M}"

    @property
    def via_label(self):
        try:
            return self.Via(self.via).label
        except ValueError:
            return self.via


class DeletionAttempt(RegisterRecord):
    """A refused attempt to delete an archive (永久保存), kept for the record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="操作人",
    )
    page_id_attempted = models.PositiveIntegerField("页面编号")
    page_title = models.CharField("页面", max_length=255)
    via = models.CharField("途径", max_length=30)
    attempted_at = models.DateTimeField("时间", default=timezone.now)
    # Names the attempt, so it is written exactly once even when a rollback forces a rewrite.
    token = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = "删除档案尝试"
        verbose_name_plural = "删除档案尝试"
        ordering = ["-attempted_at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.page_title} · {self.via}"


class RegisterCheck(models.Model):
    """One verification of the register's hash chain (daily task or ``verify_register``)."""

    checked_at = models.DateTimeField("校验时间", default=timezone.now)
    ok = models.BooleanField("链条完整")
    records_checked = models.PositiveIntegerField("已校验登记数")
    broken_record_id = models.PositiveBigIntegerField("第一处断点", null=True, blank=True)
    message = models.CharField("结果", max_length=300)

    class Meta:
        verbose_name = "登记簿校验"
        verbose_name_plural = "登记簿校验"
        ordering = ["-checked_at", "-id"]

    def __str__(self):
        return self.message


class HoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)

    def on(self, obj):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=obj.pk)


class Hold(models.Model):
    """保全: a manager freezes a violation case, a dispute or a household archive (for a
    court case, a complaint to the authorities …). While held it is not edited,
    disposed, nor does its retention run out; placing and lifting stay on record."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    target_label = models.CharField("保全对象", max_length=200)
    reason = models.CharField("保全原因", max_length=300)
    reference = models.CharField(
        "依据编号", max_length=100, blank=True, help_text="如法院案号 （2026）粤0305民初1234号"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="保全人"
    )
    placed_at = models.DateTimeField("保全时间", default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="解除人",
    )
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lift_reason = models.CharField("解除原因", max_length=300, blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        verbose_name = "保全"
        verbose_name_plural = "保全登记"
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [("place_hold", "设置和解除保全")]

    def __str__(self):
        return f"{self.target_label} · {self.reason}"


class HeldRecordRefused(ValidationError):
    def __init__(self, hold):
        reference = f"（{hold.reference}）" if hold.reference else ""
        super().__init__(
            f"{hold.target_label} 已于 {timezone.localtime(hold.placed_at):%Y-%m-%d} 保全"
            f"{reference}：{hold.reason}。保全解除前不能修改、销毁或到期处理。"
        )
