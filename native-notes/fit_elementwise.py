# Fits the polynomial coefficients of the vectorized exp and tanh (dev.lanes.kernel.simd.VectorMath)
# by Lawson's iteration (iteratively reweighted least squares tending to minimax) for relative
# error, then re-measures the error with the coefficients rounded to float, in 40-digit arithmetic.
# Needs numpy and mpmath; about 30 s. Chosen: exp degree 4 (Q), tanh T=0.625 degree 4 (P).
import numpy as np, mpmath as mp
mp.mp.dps=40
def lawson(f, basis, xs, w, iters=300):
    # minimax of weighted error w*(f - sum c_i basis_i) via Lawson's iteration
    A=np.array([[b(x) for b in basis] for x in xs]); y=np.array([f(x) for x in xs]); W=np.array([w(x) for x in xs])
    u=np.ones(len(xs))/len(xs)
    for it in range(iters):
        sw=np.sqrt(u)*W
        c,*_=np.linalg.lstsq(A*sw[:,None], y*sw, rcond=None)
        e=np.abs((y-A@c)*W)
        u=u*e; u/=u.sum()
    return c, e.max()
def f32(v): return float(np.float32(v))
# exp: e^r = 1 + r + r^2 Q(r), r in [-ln2/2, ln2/2]
h=float(mp.log(2)/2)*1.01
xs=np.cos(np.linspace(0,np.pi,4000))*h
def Qf(r):
    if abs(r)<1e-6: return float(mp.mpf(1)/2 + mp.mpf(r)/6 + mp.mpf(r)**2/24)
    return float((mp.exp(mp.mpf(r))-1-mp.mpf(r))/mp.mpf(r)**2)
for deg in (4,5):
    c,err=lawson(Qf,[lambda x,i=i:x**i for i in range(deg+1)],xs,lambda r:r*r/float(mp.exp(r)))
    cf=[f32(v) for v in c]
    # max rel error with float coefficients, exact arithmetic
    m=0
    for r in np.linspace(-h,h,20001):
        R=mp.mpf(r); q=sum(mp.mpf(cf[i])*R**i for i in range(deg+1))
        m=max(m,abs((1+R+R*R*q)/mp.exp(R)-1))
    print('exp deg',deg,'lawson',err,'float-coef',float(m), [repr(np.float32(v)) for v in c])
# tanh: tanh(x) = x + x^3 P(x^2), x in [0, T]
for T in (0.5,0.625):
  xs=np.cos(np.linspace(0,np.pi/2,4000))*T+1e-9
  def Pf(t):
    x=mp.sqrt(mp.mpf(t))
    if x<1e-3: return float(-mp.mpf(1)/3 + 2*mp.mpf(t)/15 - 17*mp.mpf(t)**2/315)
    return float((mp.tanh(x)-x)/x**3)
  ts=xs**2
  for deg in (3,4,5):
    c,err=lawson(Pf,[lambda t,i=i:t**i for i in range(deg+1)],ts,lambda t:t/float(mp.tanh(mp.sqrt(t))/mp.sqrt(t)))
    cf=[f32(v) for v in c]
    m=0
    for x in np.linspace(1e-4,T,8001):
        X=mp.mpf(x); t=X*X; p=sum(mp.mpf(cf[i])*t**i for i in range(deg+1))
        m=max(m,abs((X+X**3*p)/mp.tanh(X)-1))
    print('tanh T',T,'deg',deg,'lawson',err,'float-coef',float(m),[repr(np.float32(v)) for v in c])
