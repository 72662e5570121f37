# What if…? Every module-side mutation of `modscope whatif` (engine/whatif/), on the samples and on Debian's
# fat.ko/vfat.ko, judged by the real kernel: each NAME.ko is made with `modscope whatif SOURCE MUTATION --save`.
# A changed Debian module loses its signature first (signature:strip+…): a changed byte under it would be
# refused with -EKEYREJECTED before any other check (signature.sh); init: and unexport: strip it themselves.
#! make crc.ko from ../../../samples/hello/hello.ko crc:_printk
#! make nover.ko from ../../../samples/hello/hello.ko drop-version:_printk
#! make magic-version.ko from ../../../samples/hello/hello.ko vermagic:6.1.0-49-amd64 SMP preempt mod_unload modversions
#! make magic-release.ko from ../../../samples/hello/hello.ko "vermagic:6.1.0-49-amd64 SMP preempt mod_unload modversions "
#! make magic-flags.ko from ../../../samples/hello/hello.ko vermagic:6.1.0-50-amd64 SMP mod_unload modversions
#! make magic-empty.ko from ../../../samples/hello/hello.ko vermagic:
#! make prop.ko from ../../../samples/hello/hello.ko licence:Proprietary
#! make bad-magic.ko from ../../../samples/hello/hello.ko field:e_ident[EI_MAG0]=0
#! make bad-class.ko from ../../../samples/hello/hello.ko field:e_ident[EI_CLASS]=1
#! make bad-type.ko from ../../../samples/hello/hello.ko field:e_type=2
#! make bad-machine.ko from ../../../samples/hello/hello.ko field:e_machine=3
#! make bad-version.ko from ../../../samples/hello/hello.ko field:e_version=0
#! make bad-shentsize.ko from ../../../samples/hello/hello.ko field:e_shentsize=32
#! make bad-shoff.ko from ../../../samples/hello/hello.ko field:e_shoff=0x7fffffff
#! make bad-shnum.ko from ../../../samples/hello/hello.ko field:e_shnum=0xffff
#! make bad-shstrndx.ko from ../../../samples/hello/hello.ko field:e_shstrndx=0
#! make bad-data.ko from ../../../samples/hello/hello.ko field:e_ident[EI_DATA]=2
#! make bad-identversion.ko from ../../../samples/hello/hello.ko field:e_ident[EI_VERSION]=0
#! make bad-ehsize.ko from ../../../samples/hello/hello.ko field:e_ehsize=0
#! make sh-symtab-link.ko from ../../../samples/hello/hello.ko field:.symtab.sh_link=0
#! make sh-init-size.ko from ../../../samples/hello/hello.ko field:.init.text.sh_size=0x7fffffff
#! make sh-init-name.ko from ../../../samples/hello/hello.ko field:.init.text.sh_name=0xffff
#! make sh-null-type.ko from ../../../samples/hello/hello.ko field:0.sh_type=1
#! make sh-shstrtab-size.ko from ../../../samples/hello/hello.ko field:.shstrtab.sh_size=0
#! make sh-shstrtab-offset.ko from ../../../samples/hello/hello.ko field:.shstrtab.sh_offset=0x7fffffff
#! make sh-symtab-type.ko from ../../../samples/hello/hello.ko field:.symtab.sh_type=1
#! make sh-thismod-flags.ko from ../../../samples/hello/hello.ko field:.gnu.linkonce.this_module.sh_flags=0
#! make sh-modinfo-flags.ko from ../../../samples/hello/hello.ko field:.modinfo.sh_flags=0
#! make init-enodev.ko from ../../../samples/hello/hello.ko init:-ENODEV
#! make init-eperm.ko from ../../../samples/hello/hello.ko init:-EPERM
#! make init-enoent.ko from ../../../samples/hello/hello.ko init:-ENOENT
#! make init-enospc.ko from ../../../samples/provider/provider.ko init:-ENOSPC
#! make init-512.ko from ../../../samples/hello/hello.ko init:-512
#! make init-positive.ko from ../../../samples/hello/hello.ko init:5
#! make init-zero.ko from ../../../samples/failing-init/failing-init.ko init:0
#! make provider-nogreet.ko from ../../../samples/provider/provider.ko unexport:provider_greet
#! make prop-consumer.ko from ../../../samples/consumer/consumer.ko licence:Proprietary
#! make dual-consumer.ko from ../../../samples/consumer/consumer.ko licence:Dual MIT/GPL
#! make fat-init.ko from corpus:kernel/fs/fat/fat.ko init:-ENOMEM
#! make fat-nofill.ko from corpus:kernel/fs/fat/fat.ko unexport:fat_fill_super
#! make vfat-crc.ko from corpus:kernel/fs/fat/vfat.ko signature:strip+crc:fat_attach
#! make vfat-nover.ko from corpus:kernel/fs/fat/vfat.ko signature:strip+drop-version:fat_attach
#! make vfat-magic.ko from corpus:kernel/fs/fat/vfat.ko signature:strip+vermagic:6.1.0-50-amd64 SMP preempt mod_unload
#! make vfat-release.ko from corpus:kernel/fs/fat/vfat.ko "signature:strip+vermagic:6.2.0-1-amd64 SMP preempt mod_unload modversions "
#! make vfat-prop.ko from corpus:kernel/fs/fat/vfat.ko signature:strip+licence:Proprietary
#! make vfat-init.ko from corpus:kernel/fs/fat/vfat.ko init:-ENODEV
# __versions: a flipped CRC, a dropped entry (Debian refuses a missing one).
insmod crc.ko
insmod nover.ko
# vermagic: with modversions same_magic() compares only past the first space, so another release loads when the
# rest (flags and the trailing space Kbuild's VERMAGIC_STRING ends with) is the same.
insmod magic-version.ko
rmmod hello
insmod magic-release.ko
rmmod hello
insmod magic-flags.ko
insmod magic-empty.ko
cat /proc/sys/kernel/tainted
# ELF header fields, one at a time.
insmod bad-magic.ko
insmod bad-class.ko
rmmod hello
insmod bad-type.ko
insmod bad-machine.ko
insmod bad-version.ko
rmmod hello
insmod bad-shentsize.ko
insmod bad-shoff.ko
insmod bad-shnum.ko
insmod bad-shstrndx.ko
insmod bad-data.ko
rmmod hello
insmod bad-identversion.ko
rmmod hello
insmod bad-ehsize.ko
rmmod hello
# Section header fields.
insmod sh-symtab-link.ko
insmod sh-init-size.ko
insmod sh-init-name.ko
insmod sh-null-type.ko
insmod sh-shstrtab-size.ko
insmod sh-shstrtab-offset.ko
insmod sh-symtab-type.ko
insmod sh-thismod-flags.ko
insmod sh-modinfo-flags.ko
rmmod hello
# Parameters of several types, malformed or out of range.
insmod ../../../samples/params/params.ko p_ushort=-1
insmod ../../../samples/params/params.ko p_uint=4294967296
insmod ../../../samples/params/params.ko p_long=12abc
insmod ../../../samples/params/params.ko p_ulong=-1
insmod ../../../samples/params/params.ko p_ullong=0x1g
insmod ../../../samples/params/params.ko p_invbool=2
insmod ../../../samples/params/params.ko p_array=1,,2
insmod ../../../samples/hello/hello.ko count=0x10 whom
cat /proc/modules
rmmod params
rmmod hello
# init returns a chosen value.
insmod init-enodev.ko
insmod init-eperm.ko
insmod init-enoent.ko
insmod init-enospc.ko
insmod init-512.ko
insmod init-zero.ko
rmmod failing_init
cat /proc/sys/kernel/tainted
insmod init-positive.ko
cat /proc/modules
rmmod hello
# A consumer without its provider; a provider without one of its exports; licences.
insmod ../../../samples/consumer/consumer.ko
insmod provider-nogreet.ko
insmod ../../../samples/consumer/consumer.ko
rmmod provider
insmod ../../../samples/provider/provider.ko
insmod prop-consumer.ko
cat /proc/sys/kernel/tainted
insmod dual-consumer.ko
cat /proc/modules
rmmod consumer
rmmod provider
insmod prop.ko
cat /proc/sys/kernel/tainted
rmmod hello
# Debian's fat.ko and vfat.ko.
insmod fat-init.ko
insmod fat-nofill.ko
insmod corpus:kernel/fs/fat/vfat.ko
rmmod fat
insmod corpus:kernel/fs/fat/fat.ko
insmod vfat-crc.ko
insmod vfat-nover.ko
insmod vfat-magic.ko
insmod vfat-prop.ko
insmod vfat-init.ko
insmod vfat-release.ko
cat /proc/modules
cat /proc/sys/kernel/tainted
