from django.contrib.admin.apps import AdminConfig


class RehomeAdminConfig(AdminConfig):
    default_site = "rehome.admin_site.RehomeAdminSite"
