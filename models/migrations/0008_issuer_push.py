from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_oauth')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IssuerToken',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('issuer_id', fields.CharField(db_index=True, max_length=100)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('label', fields.CharField(default='', max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'issuer_token', 'app': 'models', 'pk_attr': 'id', 'table_description': "A bearer token an issuer's systems call the GraphQL API with."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushedDocument',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('issuer_id', fields.CharField(max_length=100)),
                ('uri', fields.CharField(max_length=200)),
                ('doc_type', fields.CharField(max_length=5)),
                ('name', fields.CharField(max_length=200)),
                ('doc_id', fields.CharField(default='', max_length=100)),
                ('issued_on', fields.DateField(null=True)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_to', fields.DateField(null=True)),
                ('aadhaar_hash', fields.CharField(max_length=64)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', null=True, db_constraint=True, to_field='id', related_name='pushed_documents', on_delete=OnDelete.SET_NULL)),
                ('pushed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'pushed_document', 'app': 'models', 'unique_together': (('aadhaar_hash', 'uri'),), 'pk_attr': 'id', 'table_description': 'A URI an issuer pushed for the holder of an Aadhaar number.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='IssuedDocument',
            name='source',
            field=fields.CharField(default='pull', description='``pull`` when the resident found it, ``push`` when the issuer sent it.', max_length=8),
        ),
    ]
