from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_session_end_reason')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ClosedAccount',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'closed_account', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The record kept of a closed account: that it existed, and when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SecurityEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='security_events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('client_address', fields.CharField(default='', max_length=64)),
                ('user_agent', fields.CharField(default='', max_length=256)),
                ('detail', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'security_event', 'app': 'models', 'indexes': [Index(fields=['account_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A security-relevant event on an account, shown to the resident.'},
            bases=['Model'],
        ),
    ]
