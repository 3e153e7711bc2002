app_name = "stars"
urlpatterns: list = []
