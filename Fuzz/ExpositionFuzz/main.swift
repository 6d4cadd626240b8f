print("build with `make fuzz`")
