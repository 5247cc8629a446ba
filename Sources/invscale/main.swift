print("invscale")
