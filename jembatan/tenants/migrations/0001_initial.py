import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("regions", "0002_region_point")]

    operations = [
        migrations.CreateModel(
            name="Tenant",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="Mis. Jembatan Kabupaten Bengkayang.", max_length=120, verbose_name="nama tampilan")),
                ("logo", models.ImageField(blank=True, upload_to="tenants/", verbose_name="logo")),
                ("palette", models.CharField(choices=[("hijau", "Hijau"), ("biru", "Biru"), ("merah", "Merah marun"), ("ungu", "Ungu"), ("cokelat", "Cokelat"), ("toska", "Toska")], default="hijau", max_length=12, verbose_name="warna")),
                ("contact_email", models.EmailField(blank=True, max_length=254, verbose_name="surel kontak")),
                ("contact_phone", models.CharField(blank=True, max_length=30, verbose_name="telepon kontak")),
                ("contact_address", models.CharField(blank=True, max_length=250, verbose_name="alamat kantor")),
                ("time_zone", models.CharField(choices=[("Asia/Jakarta", "WIB (Waktu Indonesia Barat, UTC+7)"), ("Asia/Pontianak", "WIB, Kalimantan Barat (UTC+7)"), ("Asia/Makassar", "WITA (Waktu Indonesia Tengah, UTC+8)"), ("Asia/Jayapura", "WIT (Waktu Indonesia Timur, UTC+9)")], default="Asia/Jakarta", max_length=32, verbose_name="zona waktu")),
                ("page_cache_seconds", models.PositiveIntegerField(blank=True, help_text="Kosongkan untuk memakai nilai bawaan server.", null=True, verbose_name="umur tembolok halaman (detik)")),
                ("verify_days", models.PositiveSmallIntegerField(default=3, verbose_name="batas verifikasi bawaan (hari kerja)")),
                ("answer_days", models.PositiveSmallIntegerField(default=5, verbose_name="batas jawaban bawaan (hari kerja)")),
                ("sms_gateway_url", models.URLField(blank=True, verbose_name="alamat gerbang SMS")),
                ("sms_gateway_secret", models.CharField(blank=True, max_length=200, verbose_name="rahasia gerbang SMS")),
                ("webhook_secret", models.CharField(blank=True, max_length=200, verbose_name="rahasia webhook aspirasi")),
                ("is_active", models.BooleanField(default=True, verbose_name="aktif")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="dibuat")),
                ("region", models.OneToOneField(limit_choices_to={"level": 2}, on_delete=django.db.models.deletion.PROTECT, related_name="tenant", to="regions.region", verbose_name="kabupaten/kota")),
            ],
            options={"verbose_name": "tenant (kabupaten/kota)", "verbose_name_plural": "tenant (kabupaten/kota)", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="TenantHost",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("host", models.CharField(max_length=253, verbose_name="nama host")),
                ("is_primary", models.BooleanField(default=False, verbose_name="alamat utama")),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="hosts", to="tenants.tenant", verbose_name="tenant")),
            ],
            options={"verbose_name": "host tenant", "verbose_name_plural": "host tenant", "ordering": ["-is_primary", "host"]},
        ),
        migrations.AddConstraint(
            model_name="tenanthost",
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower("host"), name="tenant_host_unique_lower"),
        ),
        migrations.AddConstraint(
            model_name="tenanthost",
            constraint=models.UniqueConstraint(condition=models.Q(("is_primary", True)), fields=("tenant",), name="tenant_one_primary_host"),
        ),
    ]
