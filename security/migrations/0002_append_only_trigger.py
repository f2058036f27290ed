"""On PostgreSQL the database itself refuses to change or delete an audit row.

SQLite (development) relies on the model and its queryset, which refuse the same.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION security_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The security audit is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER security_event_append_only
    BEFORE UPDATE OR DELETE ON security_securityevent
    FOR EACH ROW EXECUTE FUNCTION security_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS security_event_append_only ON security_securityevent;
DROP FUNCTION IF EXISTS security_event_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
