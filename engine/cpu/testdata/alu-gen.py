import random, subprocess, json, os
random.seed(1234)
REGS=['rax','rbx','rcx','rdx','rsi','rdi','r8','r9']
CF,PF,AF,ZF,SF,OF=1,4,0x10,0x40,0x80,0x800
ALL=CF|PF|AF|ZF|SF|OF
sz={'b':8,'w':16,'l':32,'q':64}
R={'b':('%al','%bl','%cl','%dl'),'w':('%ax','%bx','%cx','%dx'),'l':('%eax','%ebx','%ecx','%edx'),'q':('%rax','%rbx','%rcx','%rdx')}
cases=[]  # (name, asm, defined_mask, input_gen)
def edge(bits):
    m=(1<<bits)-1
    return random.choice([0,1,m,m>>1,(m>>1)+1,random.getrandbits(bits),random.getrandbits(bits),random.getrandbits(4),m-1,0x10,0xf])
def rnd64(): return random.getrandbits(64)
def regs_with(a=None,b=None,c=None,d=None,flags=None):
    v=[rnd64() for _ in REGS]
    for i,x in enumerate([a,b,c,d]):
        if x is not None: v[i]=(v[i] & ~((1<<64)-1)) | x if False else ((v[i] >> 64) | x) if x is not None else v[i]
    return v
def mk(bits, n=8, cfun=None):
    out=[]
    for _ in range(n):
        v=[rnd64() for _ in REGS]
        m=(1<<bits)-1
        v[0]=(v[0]&~m)|edge(bits); v[1]=(v[1]&~m)|edge(bits)
        if cfun: v=cfun(v)
        fl=random.choice([0,CF,ALL,CF|ZF,OF|SF]) 
        out.append((v,fl))
    return out
for s in 'bwlq':
    a,b,c,d=R[s]
    for op in ['add','adc','sub','sbb','cmp']:
        cases.append((f'{op}{s}', f'{op}{s} {b},{a}', ALL, mk(sz[s],10)))
    for op in ['and','or','xor','test']:
        cases.append((f'{op}{s}', f'{op}{s} {b},{a}', ALL&~AF, mk(sz[s],8)))
    imm = '$0x7f' if s!='b' else '$0x85'
    cases.append((f'add{s}imm', f'add{s} $-3,{a}', ALL, mk(sz[s],6)))
    cases.append((f'sub{s}imm', f'sub{s} {imm},{a}', ALL, mk(sz[s],6)))
    cases.append((f'cmp{s}imm', f'cmp{s} $1,{a}', ALL, mk(sz[s],6)))
    for op in ['inc','dec','neg','not']:
        cases.append((f'{op}{s}', f'{op}{s} {a}', ALL, mk(sz[s],8)))
    for op in ['shl','shr','sar','rol','ror','rcl','rcr']:
        def cnt(v, s=s):
            v[2]=(v[2]&~0xff)|random.choice([0,1,2,3,7,8,15,16,31,32,33,63,64,65,random.getrandbits(8)])
            return v
        cases.append((f'{op}{s}cl1', f'{op}{s} $1,{a}', ALL&~AF, mk(sz[s],6)))
        cases.append((f'{op}{s}cl', f'{op}{s} %cl,{a}', ALL&~AF&~OF, mk(sz[s],10,cnt)))
        cases.append((f'{op}{s}i', f'{op}{s} $5,{a}', ALL&~AF&~OF, mk(sz[s],4)))
    if s!='b':
        for op in ['shld','shrd']:
            def cnt2(v, s=s):
                v[2]=(v[2]&~0xff)|random.choice([0,1,2,5,7,9,15] + ([16,31] if s!='w' else []) + ([33,63] if s=='q' else []))
                return v
            cases.append((f'{op}{s}', f'{op}{s} %cl,{b},{a}', ALL&~AF&~OF, mk(sz[s],10,cnt2)))
            cases.append((f'{op}{s}1', f'{op}{s} $1,{b},{a}', ALL&~AF, mk(sz[s],5)))
        cases.append((f'imul2{s}', f'imul{s} {b},{a}', CF|OF, mk(sz[s],8)))
        cases.append((f'imul3{s}', f'imul{s} $-7,{b},{a}', CF|OF, mk(sz[s],6)))
        cases.append((f'bt{s}', f'bt{s} {b},{a}', CF, mk(sz[s],6)))
        cases.append((f'bts{s}', f'bts{s} {b},{a}', CF, mk(sz[s],6)))
        cases.append((f'btr{s}', f'btr{s} $3,{a}', CF, mk(sz[s],6)))
        cases.append((f'btc{s}', f'btc{s} {b},{a}', CF, mk(sz[s],6)))
        def nz(v, s=s):
            m=(1<<sz[s])-1
            if v[1]&m==0: v[1]|=1<<(sz[s]-3)
            return v
        cases.append((f'bsf{s}', f'bsf{s} {b},{a}', ZF, mk(sz[s],6,nz)))
        cases.append((f'bsr{s}', f'bsr{s} {b},{a}', ZF, mk(sz[s],6,nz)))
        cases.append((f'tzcnt{s}', f'tzcnt{s} {b},{a}', CF|ZF, mk(sz[s],6)))
        cases.append((f'lzcnt{s}', f'lzcnt{s} {b},{a}', CF|ZF, mk(sz[s],6)))
        cases.append((f'popcnt{s}', f'popcnt{s} {b},{a}', ALL, mk(sz[s],6)))
        cases.append((f'cmov{s}', f'cmovl{s} {b},{a}', ALL, mk(sz[s],6)))
        cases.append((f'cmovbe{s}', f'cmovbe{s} {b},{a}', ALL, mk(sz[s],6)))
    cases.append((f'imul1{s}', f'imul{s} {b}', CF|OF, mk(sz[s],8)))
    cases.append((f'mul1{s}', f'mul{s} {b}', CF|OF, mk(sz[s],8)))
    def divok(v, s=s, signed=False):
        bits=sz[s]; m=(1<<bits)-1
        dv=v[1]&m or 3
        v[1]=(v[1]&~m)|dv
        if s=='b':
            # ax / bl: need ah < bl
            v[0]=(v[0]&~0xffff)|((random.getrandbits(8)%dv)<<8)|random.getrandbits(8)
        else:
            v[3]=(v[3]&~m)|(random.getrandbits(bits)%dv)
        return v
    def idivok(v, s=s):
        bits=sz[s]; m=(1<<bits)-1
        dv=random.choice([3,7,-5,-1 & m,1000 & m, (1<<(bits-2))+5]) & m
        v[1]=(v[1]&~m)|dv
        x=random.getrandbits(bits)
        xs = x-(1<<bits) if x>>(bits-1) else x
        if s=='b':
            v[0]=(v[0]&~0xffff)|((xs & 0xffff))
            if dv==m and x==0x80: v[0]^=1
        else:
            v[0]=(v[0]&~m)|x
            v[3]=(v[3]&~m)|((-1 & m) if xs<0 else 0)
            if dv==m and x==1<<(bits-1): v[0]^=1
        return v
    cases.append((f'div{s}', f'div{s} {b}', 0, mk(sz[s],8,divok)))
    cases.append((f'idiv{s}', f'idiv{s} {b}', 0, mk(sz[s],8,idivok)))
    cases.append((f'xadd{s}', f'xadd{s} {b},{a}', ALL, mk(sz[s],4)))
    cases.append((f'cmpxchg{s}', f'cmpxchg{s} {c},{b}', ALL, mk(sz[s],4, lambda v: (v.__setitem__(1, v[0] if random.random()<0.5 else v[1]), v)[1])))
    cases.append((f'xchg{s}', f'xchg{s} {b},{a}', ALL, mk(sz[s],2)))
    cases.append((f'sete{s}', f'cmp{s} {b},{a}; setg %cl; setbe %dl; seto %dh', ALL, mk(sz[s],6)))
for asm in ['cbw','cwtl','cltq','cwtd','cltd','cqto','bswap %eax','bswap %rax','movsbl %bl,%eax','movsbq %bl,%rax','movswq %bx,%rax','movslq %ebx,%rax','movzbl %bh,%eax','movzwl %bx,%eax','movsbw %bl,%ax','mov %bl,%ah','mov %ah,%bl','mov %bx,%ax','mov %ebx,%eax','mov %ebx,%r8d','mov %r9b,%r8b','lea 0x10(%rax,%rbx,8),%ecx','lea -1(%rax,%rbx,2),%rcx','lea (%eax,%ebx),%ecx','movabs $0x8000000000000000,%rax','mov $-1,%eax','mov $-1,%rax','mov $-1,%ax','xor %eax,%eax','inc %ah','neg %bh','sahf','lahf','stc','clc','cmc','cmova %ebx,%eax']:
    cases.append((asm, asm, ALL, mk(32,4)))

# write asm harness
lines=['.text']
for i,(name,asm,mask,ins) in enumerate(cases):
    lines += [f'.globl case{i}', f'case{i}:', 'push %rbx','push %r15','mov %rdi,%r15','mov 64(%r15),%rax','push %rax','popfq']
    for j,r in enumerate(REGS): lines.append(f'mov {8*j}(%r15),%{r}')
    lines += [f'start{i}:'] + asm.split(';') + [f'end{i}:','pushfq']
    for j,r in enumerate(REGS): lines.append(f'mov %{r},{8*j}(%r15)')
    lines += ['pop %rax','mov %rax,64(%r15)','cld','pop %r15','pop %rbx','ret']
lines.append('.data')
lines.append('.globl ncases')
lines.append(f'ncases: .quad {len(cases)}')
lines.append('.globl table')
lines.append('table:')
for i in range(len(cases)): lines.append(f'.quad case{i}, start{i}, end{i}')
open('cases.s','w').write('\n'.join(lines)+'\n')
inp=[]
for i,(name,asm,mask,ins) in enumerate(cases):
    for v,fl in ins[:6]: inp.append((i,[x & ((1<<64)-1) for x in v[:4]]+[0x1111111111111111,0x7777777777777777,0x8888888888888888,0x9999999999999999], fl|2))
open('inputs.txt','w').write('\n'.join(f'{i} '+' '.join(str(x) for x in v)+f' {fl}' for i,v,fl in inp)+'\n')
json.dump([[n,a,m] for n,a,m,_ in cases], open('meta.json','w'))
print(len(cases), len(inp))
