# %% backward() adds into .grad
x = torch.tensor(3., requires_grad=True)  # [leaf]
for _ in range(4):  # [loop]
    y = x**2  # [square]
    y.backward()  # [backward]
    print(x.grad)  # [reading]
x.grad.zero_()  # [zero]
print(x.grad)  # [print_zero]
y = x**2  # [fresh]
y.backward()  # [fresh_backward]
print(x.grad)  # [print_fresh]

# %% Accumulation on purpose
x.grad.zero_()  # [zero]
y = x * x  # x feeds both inputs  # [forward]
y.backward()  # [backward]
print(x.grad)  # [after]
