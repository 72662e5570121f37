#include <stdio.h>
#include <stdint.h>
extern uint64_t ncases; extern uint64_t table[];
int main(void){ int i; uint64_t v[9];
  while (scanf("%d %lu %lu %lu %lu %lu %lu %lu %lu %lu", &i,&v[0],&v[1],&v[2],&v[3],&v[4],&v[5],&v[6],&v[7],&v[8])==10){
    uint64_t in[9]; for(int k=0;k<9;k++) in[k]=v[k];
    void (*f)(uint64_t*) = (void(*)(uint64_t*))table[3*i];
    f(v);
    unsigned char *s=(unsigned char*)table[3*i+1], *e=(unsigned char*)table[3*i+2];
    printf("%d ", i); for(unsigned char*p=s;p<e;p++) printf("%02x",*p);
    for(int k=0;k<9;k++) printf(" %lx", in[k]); for(int k=0;k<9;k++) printf(" %lx", v[k]); printf("\n");
  } return 0; }
