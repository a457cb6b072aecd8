# %% The slide: ones, then zeros in place
a = torch.ones(3, 2)  # [a]
v = a[0]  # a's first row  # [v]
print(v)  # [print_v]
b = a + 1  # a new tensor  # [b]
a.zero_()  # in place  # [write]
print(v)  # [print_v_after]
print(b[0])  # [print_b]

# %% Visible data: arange counts 0, 1, 2, ...
a = torch.arange(6.).view(3, 2)  # [a]
v = a[1]  # a's middle row  # [v]
factor = 10  # [factor]
a.mul_(factor)  # in place  # [write]
print(v)  # [print_v_after]
