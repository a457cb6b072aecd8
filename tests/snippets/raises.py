import torch

a = torch.ones(2, 3)
print(a.shape)
c = a @ a
print("never")
