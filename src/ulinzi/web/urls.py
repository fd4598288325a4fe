from django.urls import path

from ulinzi.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("audit/", views.audit_log, name="audit"),
]
