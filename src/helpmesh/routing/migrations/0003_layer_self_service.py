# The self_service layer kind (the answer bot answers first; docs/bot.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0002_layer_when"),
    ]

    operations = [
        migrations.AlterField(
            model_name="layer",
            name="kind",
            field=models.CharField(
                choices=[
                    ("department", "Department (decentralized)"),
                    ("central", "Central first line (hybrid)"),
                    ("tiered", "Tiered"),
                    ("swarming", "Swarming"),
                    ("follow_the_sun", "Follow-the-sun"),
                    ("skills", "Skills-based"),
                    ("self_service", "Self-service (answer bot)"),
                ],
                max_length=16,
            ),
        ),
    ]
