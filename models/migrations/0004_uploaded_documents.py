from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_security_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='UploadedDocument',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(max_length=16)),
                ('name', fields.CharField(max_length=255)),
                ('description', fields.CharField(default='', max_length=500)),
                ('doc_type', fields.CharField(null=True, max_length=16)),
                ('folder', fields.CharField(default='', max_length=600)),
                ('size', fields.BigIntField()),
                ('content_type', fields.CharField(default='', max_length=64)),
                ('sha256', fields.CharField(default='', max_length=64)),
                ('pages', fields.IntField(null=True)),
                ('object_key', fields.CharField(max_length=100)),
                ('wrapped_key', fields.BinaryField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('signed_from', fields.ForeignKeyField('models.UploadedDocument', source_field='signed_from_id', null=True, db_constraint=True, to_field='id', related_name='signed_copies', on_delete=OnDelete.SET_NULL)),
                ('signer_name', fields.CharField(null=True, max_length=200)),
                ('signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'uploaded_document', 'app': 'models', 'indexes': [Index(fields=['account_id', 'status', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A file the resident uploaded (or eSigned), stored encrypted.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='storage_used',
            field=fields.BigIntField(default=0),
        ),
    ]
