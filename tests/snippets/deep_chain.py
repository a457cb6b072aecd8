import torch

x = torch.tensor(0.5, requires_grad=True)
y = torch.exp(torch.sin(torch.tanh(torch.sigmoid(x * 3.0) + 1.0) * 2.0) - 0.5)
y.backward()
print(x.grad)
