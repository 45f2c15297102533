from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ModelsCatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "models_catalog"

    def ready(self):
        from models_catalog.catalog import catalog_changed

        # Every catalog model, not only those load_catalog reads today: a change anywhere in the
        # catalog is rare (loaddata, the admin), and a missed one would serve stale pages.
        for model in self.get_models():
            uid = f"catalog-changed-{model._meta.label_lower}"
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"{uid}-delete")
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    catalog_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}-{field.name}",
                )
