from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_dataset_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="victims",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
