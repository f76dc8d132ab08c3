# SPDX-License-Identifier: MIT
#
# The unit tests of kernel/ (included by test/CMakeLists.txt): the generic
# core and the pure parts of the arch layer, built on the host against the
# fakes in this directory. The coverage build (BULKHEAD_COVERAGE,
# scripts/assure) runs exactly these.
bh_unit(test_pt unit/test_pt.c unit/fake_pt.c unit/pt_walk.c ${kernel}/core/pt.c
        ${kernel}/arch/aarch64/pt_desc.c)
bh_unit(test_esr unit/test_esr.c ${kernel}/arch/aarch64/esr.c ${kernel}/lib/fmt.c)
bh_unit(test_smccc unit/test_smccc.c ${kernel}/core/smccc.c)
bh_unit(test_fmt unit/test_fmt.c ${kernel}/lib/fmt.c)
bh_unit(test_string unit/test_string.c) # includes kernel/lib/string.c
bh_unit(test_rng unit/test_rng.c ${kernel}/core/rng.c)
bh_unit(test_vdev unit/test_vdev.c ${kernel}/core/vdev.c)
bh_unit(test_vgic unit/test_vgic.c unit/fake_gic.c ${kernel}/core/vgic.c)
bh_unit(test_psci unit/test_psci.c unit/fake_gic.c ${kernel}/core/partition.c
        ${kernel}/core/rng.c ${kernel}/core/stage2.c ${kernel}/core/pt.c
        ${kernel}/core/calls.c ${kernel}/core/exits.c ${kernel}/core/smccc.c ${kernel}/core/vgic.c
        ${kernel}/core/vdev.c
        ${kernel}/lib/fmt.c)
# The core as a whole on the fake arch: boot, console, stage 2, calls. It
# links the linker's layout symbols as absolute values (no PIE).
bh_unit(test_core unit/test_core.c unit/fake_arch.c unit/fake_gic.c
        unit/pt_walk.c unit/fake_pt.c
        ${kernel}/core/main.c ${kernel}/core/console.c ${kernel}/core/stage2.c
        ${kernel}/core/calls.c ${kernel}/core/partition.c ${kernel}/core/exits.c
        ${kernel}/core/pt.c ${kernel}/core/rng.c ${kernel}/core/vdev.c
        ${kernel}/core/vgic.c ${kernel}/core/smccc.c
        ${kernel}/arch/aarch64/pt_desc.c ${kernel}/lib/fmt.c)
target_link_options(test_core PRIVATE -no-pie)
