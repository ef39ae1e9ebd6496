from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_activity_log')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Consent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.CASCADE)),
                ('requester', fields.ForeignKeyField('models.Requester', source_field='requester_id', db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.CASCADE)),
                ('purpose_code', fields.CharField(max_length=32)),
                ('purpose_text', fields.CharField(max_length=300)),
                ('documents', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('valid_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('max_reads', fields.IntField(null=True)),
                ('reads', fields.IntField(default=0)),
                ('first_read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='active', max_length=16)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('artefact', fields.TextField(unique=False)),
            ],
            options={'table': 'consent', 'app': 'models', 'indexes': [Index(fields=['account_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'What a resident allowed one requester to read, for what and until when.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Requester',
            name='active',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Requester',
            name='auth_method',
            field=fields.CharField(default='client_secret_basic', max_length=32),
        ),
        ops.AddField(
            model_name='Requester',
            name='client_id',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
        ops.AddField(
            model_name='Requester',
            name='client_secret_hash',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='Requester',
            name='doc_types',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Requester',
            name='jwks',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Requester',
            name='purposes',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Requester',
            name='redirect_uris',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
