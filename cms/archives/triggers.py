"""The database's own refusal (永久保存, 登记簿只增不改): triggers installed by migrations
on PostgreSQL and on SQLite alike, so no code path — base managers, raw SQL,
``_raw_delete``, treebeard, ``bulk_create(update_conflicts=True)`` — can remove an
archive or rewrite the register. Only a database administrator who drops the
triggers could; ``test_teardown_switch`` is the one explicit exception, for test
databases only.
"""

from contextlib import contextmanager
from pathlib import Path

from django.db import connections

# Every refusal carries this marker, so the application recognises it (guards.py).
MARKER = "WUYE-ARCHIVE-GUARD"
PERMANENT = f"{MARKER}: 业户档案永久保存，数据库拒绝删除或移出档案库"
APPEND_ONLY = f"{MARKER}: 登记簿只能追加，数据库拒绝修改或删除"

# Rows that are never deleted: the archive pages' own tables.
PERMANENT_TABLES = [
    "archives_archiveroot",
    "archives_estate",
    "archives_building",
    "archives_householdarchive",
]
# Rows that are never changed nor deleted: the registers.
APPEND_ONLY_TABLES = ["archives_accessrecord", "archives_deletionattempt"]

STEPLEN = 4

# A page path lies in the archive tree when it starts with the archive root's path.
_IN_TREE = (
    "EXISTS (SELECT 1 FROM archives_archiveroot r JOIN wagtailcore_page rp "
    "ON rp.id = r.page_ptr_id WHERE substr({path}, 1, length(rp.path)) = rp.path)"
)
_IS_ROOT = "EXISTS (SELECT 1 FROM archives_archiveroot r WHERE r.page_ptr_id = {id})"
_HAS_CHILDREN = (
    "EXISTS (SELECT 1 FROM wagtailcore_page c WHERE length(c.path) > length({path}) "
    "AND substr(c.path, 1, length({path})) = {path})"
)
_PARENT_EXISTS = (
    "EXISTS (SELECT 1 FROM wagtailcore_page pp "
    f"WHERE pp.path = substr({{path}}, 1, length({{path}}) - {STEPLEN}))"
)
_CHILD_COUNT = (
    "(SELECT count(*) FROM wagtailcore_page c "
    f"WHERE length(c.path) = length({{path}}) + {STEPLEN} "
    "AND substr(c.path, 1, length({path})) = {path})"
)


# A revision belongs to the archive tree when it is a page revision of a page there.
_ARCHIVE_REVISION = (
    "OLD.base_content_type_id IN (SELECT id FROM django_content_type "
    "WHERE app_label = 'wagtailcore' AND model = 'page') AND EXISTS (SELECT 1 FROM "
    "wagtailcore_page ap WHERE CAST(ap.id AS TEXT) = OLD.object_id AND "
    + _IN_TREE.format(path="ap.path")
    + ")"
)


def _page_move_refused():
    """A path change inside the archive tree is refused unless a single room (a page
    without children) moves to an existing parent at the same depth inside the tree:
    the root never moves, and no building or estate leaves its households behind."""
    return (
        f"OLD.path <> NEW.path AND {_IN_TREE.format(path='OLD.path')} AND ("
        f"{_IS_ROOT.format(id='OLD.id')} OR {_HAS_CHILDREN.format(path='OLD.path')} "
        f"OR length(NEW.path) <> length(OLD.path) "
        f"OR NOT {_IN_TREE.format(path='NEW.path')} "
        f"OR NOT {_PARENT_EXISTS.format(path='NEW.path')})"
    )


def _numchild_lowered_below_children():
    """treebeard lowers a parent's child count before it deletes; below the real number
    of children the count is refused, so a refused delete leaves the tree counted right."""
    return (
        f"NEW.numchild < OLD.numchild AND {_IN_TREE.format(path='OLD.path')} "
        f"AND NEW.numchild < {_CHILD_COUNT.format(path='OLD.path')}"
    )


def _sqlite_trigger(name, timing, table, when, message):
    condition = f"WHEN {when} " if when else ""
    return (
        f"CREATE TRIGGER {name} {timing} ON {table} FOR EACH ROW {condition}"
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def sqlite_statements():
    statements = []
    for table in PERMANENT_TABLES:
        statements.append(
            _sqlite_trigger(f"{table}_never_deleted", "BEFORE DELETE", table, "", PERMANENT)
        )
    for table in APPEND_ONLY_TABLES:
        for event in ("UPDATE", "DELETE"):
            statements.append(
                _sqlite_trigger(
                    f"{table}_no_{event.lower()}", f"BEFORE {event}", table, "", APPEND_ONLY
                )
            )
    statements += [
        _sqlite_trigger(
            "archives_tree_pages_never_deleted",
            "BEFORE DELETE",
            "wagtailcore_page",
            _IN_TREE.format(path="OLD.path"),
            PERMANENT,
        ),
        _sqlite_trigger(
            "archives_tree_pages_stay",
            "BEFORE UPDATE OF path, depth",
            "wagtailcore_page",
            _page_move_refused(),
            PERMANENT,
        ),
        _sqlite_trigger(
            "archives_revisions_never_deleted",
            "BEFORE DELETE",
            "wagtailcore_revision",
            _ARCHIVE_REVISION,
            PERMANENT,
        ),
        _sqlite_trigger(
            "archives_tree_counts_stay",
            "BEFORE UPDATE OF numchild",
            "wagtailcore_page",
            _numchild_lowered_below_children(),
            PERMANENT,
        ),
    ]
    return statements


def sqlite_trigger_names():
    names = [f"{table}_never_deleted" for table in PERMANENT_TABLES]
    names += [f"{t}_no_{e}" for t in APPEND_ONLY_TABLES for e in ("update", "delete")]
    return [
        *names,
        "archives_tree_pages_never_deleted",
        "archives_tree_pages_stay",
        "archives_tree_counts_stay",
        "archives_revisions_never_deleted",
    ]


def _pg_refusal_function(name, message, condition=None, returns="OLD"):
    body = f"RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';"
    if condition:
        body = f"IF {condition} THEN {body} END IF; RETURN {returns};"
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} END $$"
    )


def _pg_trigger(name, timing, table, function, level="ROW"):
    return (
        f"CREATE TRIGGER {name} {timing} ON {table} FOR EACH {level} EXECUTE FUNCTION {function}()"
    )


def _guard_table(table, trigger, timing, function):
    """The row trigger, and the statement trigger that stops TRUNCATE from going around it."""
    return [
        _pg_trigger(f"{table}_{trigger}", timing, table, function),
        _pg_trigger(
            f"{table}_never_truncated", "BEFORE TRUNCATE", table, function, level="STATEMENT"
        ),
    ]


def postgresql_statements():
    statements = [
        _pg_refusal_function("archives_refuse_deletion", PERMANENT),
        _pg_refusal_function("archives_refuse_rewrite", APPEND_ONLY),
        _pg_refusal_function(
            "archives_guard_tree_delete", PERMANENT, _IN_TREE.format(path="OLD.path")
        ),
        _pg_refusal_function("archives_guard_revision_delete", PERMANENT, _ARCHIVE_REVISION),
        _pg_refusal_function(
            "archives_guard_tree_update",
            PERMANENT,
            f"({_page_move_refused()}) OR ({_numchild_lowered_below_children()})",
            returns="NEW",
        ),
    ]
    for table in PERMANENT_TABLES:
        statements += _guard_table(
            table, "never_deleted", "BEFORE DELETE", "archives_refuse_deletion"
        )
    for table in APPEND_ONLY_TABLES:
        statements += _guard_table(
            table, "append_only", "BEFORE UPDATE OR DELETE", "archives_refuse_rewrite"
        )
    statements += [
        _pg_trigger(
            "archives_tree_pages_never_deleted",
            "BEFORE DELETE",
            "wagtailcore_page",
            "archives_guard_tree_delete",
        ),
        _pg_trigger(
            "archives_tree_pages_stay",
            "BEFORE UPDATE OF path, depth, numchild",
            "wagtailcore_page",
            "archives_guard_tree_update",
        ),
        _pg_trigger(
            "archives_revisions_never_deleted",
            "BEFORE DELETE",
            "wagtailcore_revision",
            "archives_guard_revision_delete",
        ),
    ]
    return statements


def postgresql_drop_statements():
    drops = []
    for table in PERMANENT_TABLES:
        drops += [
            f"DROP TRIGGER IF EXISTS {table}_never_deleted ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_never_truncated ON {table}",
        ]
    for table in APPEND_ONLY_TABLES:
        drops += [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_never_truncated ON {table}",
        ]
    drops += [
        "DROP TRIGGER IF EXISTS archives_tree_pages_never_deleted ON wagtailcore_page",
        "DROP TRIGGER IF EXISTS archives_tree_pages_stay ON wagtailcore_page",
        "DROP TRIGGER IF EXISTS archives_revisions_never_deleted ON wagtailcore_revision",
    ]
    return drops


def install_statements(vendor):
    if vendor == "postgresql":
        return postgresql_statements()
    if vendor == "sqlite":
        return sqlite_statements()
    raise NotImplementedError(f"no archive triggers for the {vendor} database")


def drop_statements(vendor):
    if vendor == "postgresql":
        return postgresql_drop_statements()
    return [f"DROP TRIGGER IF EXISTS {name}" for name in sqlite_trigger_names()]


def install(connection):
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)
        for statement in install_statements(connection.vendor):
            cursor.execute(statement)


def remove(connection):
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)


def installed(connection):
    """Names of the archive triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'archives_%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'archives_%'"
            )
        return {row[0] for row in cursor.fetchall()}


class NotATestDatabase(RuntimeError):
    pass


def is_test_database(connection):
    """Only a database the test runner created: PostgreSQL's ``test_…`` databases and
    SQLite's in-memory or ``test…`` files. A production database is never one."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql":
        return name.startswith("test_")
    return "memory" in name or Path(name).name.startswith("test")


@contextmanager
def test_teardown_switch(alias="default"):
    """Lift the triggers while the test runner empties a test database, and put them
    back at once. Refuses on any database the test runner did not create, so no setting
    and no production code can use it."""
    connection = connections[alias]
    if not is_test_database(connection):
        raise NotATestDatabase(
            f"数据库 {connection.settings_dict['NAME']} 不是测试数据库，档案触发器不能解除。"
        )
    remove(connection)
    try:
        yield
    finally:
        install(connection)


def reinstall_after_migrate(sender, using="default", **kwargs):
    """``post_migrate``: SQLite rebuilds a table to alter it, dropping its triggers;
    put any missing one back (also after a Wagtail upgrade alters its page table)."""
    if sender.label != "archives":
        return
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    expected = set(_expected_names(connection.vendor))
    if not expected <= installed(connection):
        install(connection)


def _expected_names(vendor):
    if vendor == "sqlite":
        return sqlite_trigger_names()
    return [
        statement.split()[2]
        for statement in postgresql_statements()
        if "TRIGGER" in statement.split()[1]
    ]


GUARDS_MIGRATION = ("archives", "0005_register_chain_and_database_guards")


def refuse_unapplying_the_guards(sender, plan=None, **kwargs):
    """``pre_migrate``: stepping the archive migrations back is fine down to the one that
    installs the database guards; unapplying it would leave the archives deletable and the
    register rewritable, so the whole run is refused before anything changes."""
    if sender.label != "archives":
        return
    for migration, backwards in plan or []:
        if backwards and (migration.app_label, migration.name) == GUARDS_MIGRATION:
            from django.core.management.base import CommandError

            raise CommandError(
                "业户档案永久保存：迁移不能撤回到安装数据库保护（触发器）之前"
                f"（{GUARDS_MIGRATION[1]}），否则档案可被删除、登记簿可被改写。"
                "最多撤回到该迁移；确需撤除保护的，只能由数据库管理员手工操作。"
            )
