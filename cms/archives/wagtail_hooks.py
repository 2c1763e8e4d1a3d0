from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path
from wagtail import hooks
from wagtail.admin.compare import TextFieldComparison, register_comparison_class
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.archives import admin_urls, holds, policy, spoken_address
from cms.archives.models import (
    ArchiveDeletionRefused,
    ArchiveRoot,
    ArchiveTreePage,
    Building,
    Estate,
    HouseholdArchive,
    IdNumberField,
    PhoneField,
)
from cms.archives.page_views import ArchivePageViewSet, HouseholdPageViewSet
from cms.archives.permanence import archives_within, in_archive_tree, record_deletion_attempt
from core.admin_ui import PolicyMenuItem, holding
from core.one_at_a_time import answer_under_lock


class ArchivePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy with the archive rules: every explorer listing, admin
    search, the explorer menu's admin API and bulk actions leave out the archive
    pages the user may not see (``policy.listable_archive_pages``)."""

    def explorable_instances(self, user):
        return policy.without_hidden_archive_pages(super().explorable_instances(user), user)

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        return policy.without_hidden_archive_pages(pages, user)


# Registered before anything asks Wagtail for the page policy.
register_permission_policy(Page, ArchivePagePermissionPolicy(Page))


def choosing_a_household_to_link(request):
    """The household chooser of a case form: linking a complaint to the caller's address is
    not reading the archive, so it offers every household the user may link (address only)."""
    wanted = request.GET.get("page_type", "").lower()
    return wanted == "archives.householdarchive" and request.user.has_perm(policy.REGISTER_CASES)


def read_the_typed_room_as_indexed(request):
    """Wagtail's chooser searches the ``q`` it reads after this hook: 3-1201, 三栋1201 or
    ３栋１２０１ as typed becomes the 3栋1201 the households are indexed under."""
    typed = request.GET.get("q")
    if typed:
        query = request.GET.copy()
        query["q"] = spoken_address.as_indexed(typed)
        request.GET = query


@hooks.register("construct_page_chooser_queryset")
def choosers_leave_out_hidden_archive_pages(pages, request):
    if choosing_a_household_to_link(request):
        read_the_typed_room_as_indexed(request)
        linkable = policy.linkable_households(request.user).values("pk")
        return pages.exclude(pk__in=HouseholdArchive.objects.exclude(pk__in=linkable).values("pk"))
    return policy.without_hidden_archive_pages(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def explorer_leaves_out_hidden_archive_pages(parent_page, pages, request):
    return policy.without_hidden_archive_pages(pages, request.user)


@hooks.register("register_admin_viewset")
def archive_page_views():
    return [
        *(
            ArchivePageViewSet(model._meta.model_name, model=model)
            for model in (ArchiveRoot, Estate, Building)
        ),
        HouseholdPageViewSet("householdarchive"),
    ]


@hooks.register("before_bulk_action")
def refuse_bulk_deletes_of_archives(request, action_type, objects, action):
    """A bulk delete leaves every archive page alone (the tester refuses each one); the
    pages named are those Wagtail's own bulk action read from the request, so whatever
    ids it accepts are recorded."""
    if action_type != "delete" or not issubclass(action.model, Page):
        return None
    pages = [*objects, *action.get_actionable_objects()[1]["items_with_no_access"]]
    if not any(in_archive_tree(page) for page in pages) and not archives_within(pages).exists():
        return None
    for page in pages:
        record_deletion_attempt(page, "bulk", request.user)
    messages.error(request, ArchiveDeletionRefused.message)
    return redirect("wagtailadmin_explore", (pages[0].get_parent() or pages[0]).pk)


@hooks.register("before_create_page")
def file_under_a_building_one_at_a_time(request, parent_page, page_class):
    """The editor's autosave of a new room and its publish (or two archivists) would take the
    same place in the tree at once: the building is held while one of them files the room."""
    if issubclass(page_class, ArchiveTreePage):
        return answer_under_lock(request, Page.objects.filter(pk=parent_page.pk))
    return None


@hooks.register("before_edit_page")
def save_an_archive_page_one_at_a_time(request, page):
    """Autosave and publish of one archive page are answered in turn, so the later one is
    judged against the revision the first one wrote."""
    if issubclass(page.specific_class, ArchiveTreePage):
        return answer_under_lock(request, Page.objects.filter(pk=page.pk))
    return None


class MaskedFieldComparison(TextFieldComparison):
    """Revision comparisons show identity numbers and phones masked, as everywhere outside
    the edit view; whether the value changed is still judged on the real value."""

    def __init__(self, field, obj_a, obj_b):
        super().__init__(field, obj_a, obj_b)
        self.changed = self.val_a != self.val_b
        self.val_a, self.val_b = field.mask(self.val_a), field.mask(self.val_b)

    def has_changed(self):
        return self.changed


register_comparison_class(IdNumberField, comparison_class=MaskedFieldComparison)
register_comparison_class(PhoneField, comparison_class=MaskedFieldComparison)


@hooks.register("register_admin_urls")
def archive_admin_urls():
    return [path("archives/", include(admin_urls, namespace="archives_admin"))]


def signed_in(user):
    return user.is_authenticated


@hooks.register("register_admin_menu_item")
def archives_menu():
    menu = Menu(
        items=[
            PolicyMenuItem(
                "档案一览",
                "archives_admin:households",
                signed_in,
                icon_name="folder-open-inverse",
                order=10,
            ),
            PolicyMenuItem(
                "导入档案",
                "archives_admin:import",
                policy.can_import_archives,
                icon_name="upload",
                order=15,
            ),
            PolicyMenuItem(
                "查阅申请", "archives_admin:grants", signed_in, icon_name="key", order=20
            ),
            PolicyMenuItem(
                "查阅登记簿",
                "archives_admin:register",
                policy.can_view_register,
                icon_name="list-ul",
                order=30,
            ),
            PolicyMenuItem(
                "保全登记",
                "archives_admin:holds",
                holding(holds.PLACE_HOLD),
                icon_name="lock",
                order=35,
            ),
            PolicyMenuItem(
                "档案报表",
                "archives_admin:reports",
                policy.reads_everything,
                icon_name="table",
                order=40,
            ),
        ]
    )
    return SubmenuMenuItem("业户档案", menu, icon_name="folder-inverse", name="archives", order=250)


class RegisterWatchPanel(Component):
    """The manager's dashboard: the last check of the register's hash chain and the
    day's alerts (a user reading many households, readings outside working hours)."""

    name = "archive_register_watch"
    order = 60
    template_name = "archives/admin/register_watch_panel.html"

    def get_context_data(self, parent_context):
        from cms.archives.register import alerts

        return alerts()


@hooks.register("construct_homepage_panels")
def add_register_watch_panel(request, panels):
    if policy.can_view_register(request.user):
        panels.append(RegisterWatchPanel())
