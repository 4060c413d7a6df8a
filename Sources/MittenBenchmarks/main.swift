// mitten-bench: the project's benchmark command. Workloads print their figures;
// nothing here asserts a time.
print("mitten-bench: no workloads yet")
