from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_uploaded_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActivityEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='activity_entries', on_delete=OnDelete.CASCADE)),
                ('seq', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('kind', fields.CharField(max_length=32)),
                ('requester_id', fields.CharField(max_length=100)),
                ('requester_name', fields.CharField(max_length=200)),
                ('consent_id', fields.CharField(null=True, max_length=64)),
                ('document_uri', fields.CharField(null=True, max_length=200)),
                ('form', fields.CharField(null=True, max_length=16)),
                ('purpose', fields.TextField(null=True, unique=False)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'activity_entry', 'app': 'models', 'unique_together': (('account', 'seq'),), 'pk_attr': 'id', 'table_description': "One entry in a resident's hash-chained activity log."},
            bases=['Model'],
        ),
    ]
