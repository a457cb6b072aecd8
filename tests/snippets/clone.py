import torch

a = torch.ones(4)
b = a.clone()
b[0] = 5.0
print(a, b)
