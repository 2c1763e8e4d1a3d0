"""Django's SQLite backend, with the archive triggers kept through table rebuilds.

SQLite alters most columns by creating a new table, copying the rows, dropping the old
table and renaming the new one; the old table's triggers are dropped with it. The
schema editor here reads the triggers of the table before the rebuild and creates them
again on the new table in the same step, so no later operation of the same migration
run (and no data migration) finds the archives or the registers unguarded.
"""

from django.db.backends.sqlite3 import base, schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _remake_table(self, model, *args, **kwargs):
        kept = self._triggers_on(model._meta.db_table)
        super()._remake_table(model, *args, **kwargs)
        with self.connection.cursor() as cursor:
            for statement in kept:
                cursor.execute(statement)

    def _triggers_on(self, table):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
            return [row[0] for row in cursor.fetchall()]


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
