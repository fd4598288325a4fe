from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_encrypt_rejects"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="held",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
