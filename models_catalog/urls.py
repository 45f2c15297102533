from django.urls import path

from models_catalog import views

app_name = "models_catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:slug>/", views.constellation, name="constellation"),
    path("<str:slug>/itsm/", views.itsm, name="itsm"),
    path("<str:slug>/variants/<slug:variant>/", views.variant, name="variant"),
    path("<str:slug>/pa/<str:acronym>/", views.process_area, name="process_area"),
]
