# %% Creation
a = torch.ones(3, 2)  # 3x2, only ones  # [a]
b = torch.zeros(3, 1)  # 3x1, only zeros  # [b]
c = torch.zeros_like(a)  # a's shape  # [c]
a_t = a.t()  # 2x3: the transpose  # [a_t]
print(a.shape)  # [print_shape]

# %% Math
absolute_values = torch.abs(a)  # [abs]
mean_value = torch.mean(a)  # [mean]
s = a + c  # element-wise sum  # [s]
p = a * c  # element-wise product  # [p]
z = torch.mm(a, c.t())  # mind the shapes  # [z]
broadcasting = a + torch.tensor([1, 2])  # [broadcasting]
print(mean_value, z.shape)  # [print_mean]
print(broadcasting)  # [print_broadcasting]

# %% Visible data: arange counts 0, 1, 2, ...
x = torch.arange(6.).reshape(3, 2) - 2  # [x]
magnitudes = torch.abs(x)  # [magnitudes]
squares = x * x  # [squares]
sums = x + squares  # [sums]
x_t = x.t()  # [x_t]
average = x.mean()  # [average]
w = torch.arange(6.).reshape(2, 3)  # [w]
m = torch.mm(x, w)  # row times column  # [m]
print(m)  # [print_m]
