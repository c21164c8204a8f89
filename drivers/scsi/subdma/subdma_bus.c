// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma: the bus glue.
 *
 * Finds adapters - described by ACPI (id SDM0001), or at the addresses the
 * io=, irq= and dma= parameters give - claims their I/O ports and DMA
 * channel, checks that the adapter answers as jumpered, and hands it to
 * the host with the PC's 8237 (<asm/dma.h>) and port I/O.  The only part
 * of the driver that needs the ISA DMA API.  Linux enumerates an ACPI id
 * that its PnP layer does not list as a platform device, so this is a
 * platform driver.
 */

#include <linux/acpi.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/isa-dma.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <asm/dma.h>
#include <asm/i8259.h>
#include <scsi/scsi_host.h>

#include "subdma.h"
#include "subdma_compat.h"

#define SUBDMA_MAX_LEGACY	4

static int io[SUBDMA_MAX_LEGACY];
static unsigned int io_count;
module_param_hw_array(io, int, ioport, &io_count, 0444);
MODULE_PARM_DESC(io, "I/O base of each adapter firmware does not describe");

static int irq[SUBDMA_MAX_LEGACY];
static unsigned int irq_count;
module_param_hw_array(irq, int, irq, &irq_count, 0444);
MODULE_PARM_DESC(irq, "IRQ of each io= adapter (default: as jumpered)");

static int dma[SUBDMA_MAX_LEGACY];
static unsigned int dma_count;
module_param_hw_array(dma, int, dma, &dma_count, 0444);
MODULE_PARM_DESC(dma, "DMA channel of each io= adapter (default: as jumpered)");

static struct platform_device *legacy_dev[SUBDMA_MAX_LEGACY];
static int legacy_err[SUBDMA_MAX_LEGACY];

/* The PC's system DMA controller */

static unsigned long subdma_8237_claim(void)
	__acquires(&dma_spin_lock)
{
	return claim_dma_lock();
}

static void subdma_8237_release(unsigned long flags)
	__releases(&dma_spin_lock)
{
	release_dma_lock(flags);
}

static void subdma_8237_disable(unsigned int chan)
{
	disable_dma(chan);
}

static void subdma_8237_enable(unsigned int chan)
{
	enable_dma(chan);
}

static void subdma_8237_clear_ff(unsigned int chan)
{
	clear_dma_ff(chan);
}

static void subdma_8237_set_mode(unsigned int chan, bool to_memory)
{
	/* the 8237 names directions from the device: it reads into memory */
	set_dma_mode(chan, to_memory ? DMA_MODE_READ : DMA_MODE_WRITE);
}

static void subdma_8237_set_addr(unsigned int chan, unsigned int addr)
{
	set_dma_addr(chan, addr);
}

static void subdma_8237_set_count(unsigned int chan, unsigned int count)
{
	set_dma_count(chan, count);
}

static int subdma_8237_residue(unsigned int chan)
{
	return get_dma_residue(chan);
}

static const struct subdma_isadma_ops subdma_8237_ops = {
	.claim		= subdma_8237_claim,
	.release	= subdma_8237_release,
	.disable	= subdma_8237_disable,
	.enable		= subdma_8237_enable,
	.clear_ff	= subdma_8237_clear_ff,
	.set_mode	= subdma_8237_set_mode,
	.set_addr	= subdma_8237_set_addr,
	.set_count	= subdma_8237_set_count,
	.residue	= subdma_8237_residue,
};

/* The adapter's registers, in I/O space */

static u8 subdma_port_read(struct subdma_adapter *a, unsigned int reg)
{
	return inb(a->iobase + reg);
}

static void subdma_port_write(struct subdma_adapter *a, unsigned int reg,
			      u8 val)
{
	outb(val, a->iobase + reg);
}

static const struct subdma_adapter_ops subdma_port_ops = {
	.read	= subdma_port_read,
	.write	= subdma_port_write,
};

/*
 * Firmware resources.  Two kinds of interrupt number meet here: the ISA
 * line the adapter is jumpered to, which its CONFIG register, the irq=
 * parameter and the IRQ descriptor of _CRS all speak of, and the Linux
 * interrupt number that request_irq() takes, which is firmware's mapping
 * of that line.  The jumper check compares ISA lines only.
 */

/**
 * struct subdma_isa_config - an adapter's resources in the ISA's numbers
 * @irq: ISA interrupt line, or -1 where firmware or irq= is silent
 * @dma: 8237 channel, or -1 where firmware or dma= is silent
 *
 * The platform data of an adapter the parameters add; read from _CRS for
 * one firmware describes.
 */
struct subdma_isa_config {
	int irq;
	int dma;
};

#ifdef CONFIG_ACPI
/* The first interrupt and DMA descriptors, as the platform resources */
static acpi_status subdma_acpi_isa(struct acpi_resource *res, void *data)
{
	struct subdma_isa_config *isa = data;
	struct acpi_resource_extended_irq *ext = &res->data.extended_irq;

	if (isa->irq < 0 && res->type == ACPI_RESOURCE_TYPE_IRQ &&
	    res->data.irq.interrupt_count)
		isa->irq = res->data.irq.interrupts[0];
	if (isa->irq < 0 && res->type == ACPI_RESOURCE_TYPE_EXTENDED_IRQ &&
	    ext->interrupt_count)
		isa->irq = ext->interrupts[0];
	if (isa->dma < 0 && res->type == ACPI_RESOURCE_TYPE_DMA &&
	    res->data.dma.channel_count)
		isa->dma = res->data.dma.channels[0];
	return AE_OK;
}
#endif

/* What the parameters or _CRS say of the adapter's ISA line and channel */
static struct subdma_isa_config subdma_isa_config(struct platform_device *pdev)
{
	struct subdma_isa_config *given = dev_get_platdata(&pdev->dev);
	struct subdma_isa_config isa = { .irq = -1, .dma = -1 };

	if (given)
		return *given;
#ifdef CONFIG_ACPI
	if (ACPI_HANDLE(&pdev->dev))
		acpi_walk_resources(ACPI_HANDLE(&pdev->dev), METHOD_NAME__CRS,
				    subdma_acpi_isa, &isa);
#endif
	return isa;
}

/*
 * The Linux interrupt of the adapter's ISA line: firmware's mapping where
 * it describes the adapter; else the PC's own, which numbers the lines of
 * its legacy interrupt controllers as IRQ 0-15 - where it has them.
 */
static int subdma_linux_irq(struct platform_device *pdev, unsigned int line)
{
	int irq = platform_get_irq_optional(pdev, 0);

	if (irq > 0 || irq == -EPROBE_DEFER)
		return irq;
	/* only an interrupt firmware does not describe is the PC's to give */
	if (irq != -ENXIO) {
		dev_err(&pdev->dev, "the IRQ firmware describes cannot be had (%pe)\n",
			ERR_PTR(irq));
		return irq;
	}
	if (line >= nr_legacy_irqs()) {
		dev_err(&pdev->dev, "ISA IRQ %u: this machine has no legacy interrupt controller to take it\n",
			line);
		return -ENXIO;
	}
	return line;
}

/* The adapter reports its jumpers; a given IRQ or channel must match them */
static int subdma_check_jumpers(struct device *dev,
				const struct subdma_isa_config *isa,
				const struct subdma_identity *id,
				unsigned long iobase)
{
	if (isa->irq >= 0 && isa->irq != id->irq) {
		dev_err(dev, "irq=%d, but the adapter at 0x%lx is set to IRQ %u\n",
			isa->irq, iobase, id->irq);
		return -EINVAL;
	}
	if (isa->dma >= 0 && isa->dma != id->dma) {
		dev_err(dev, "dma=%d, but the adapter at 0x%lx is set to channel %u\n",
			isa->dma, iobase, id->dma);
		return -EINVAL;
	}
	return 0;
}

static int subdma_probe_adapter(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct subdma_isa_config isa = subdma_isa_config(pdev);
	struct subdma_adapter adapter = { .ops = &subdma_port_ops };
	struct subdma_identity id;
	struct subdma_host *h;
	struct resource *res;
	int irq, ret;

	res = platform_get_resource(pdev, IORESOURCE_IO, 0);
	if (!res) {
		dev_err(dev, "no I/O ports described\n");
		return -ENODEV;
	}
	adapter.iobase = res->start;
	if (!devm_request_region(dev, adapter.iobase, SUBDMA_IO_EXTENT,
				 dev_name(dev))) {
		dev_err(dev, "I/O ports 0x%lx-0x%lx are busy (see /proc/ioports)\n",
			adapter.iobase, adapter.iobase + SUBDMA_IO_EXTENT - 1);
		return -EBUSY;
	}
	ret = subdma_adapter_identify(&adapter, &id);
	if (ret == -EOPNOTSUPP) {
		dev_err(dev, "adapter at io=0x%lx is revision %u.%u; subdma needs %u.%u or later\n",
			adapter.iobase, id.rev >> 4, id.rev & 0xf,
			SUBDMA_REV >> 4, SUBDMA_REV & 0xf);
		return -ENODEV;
	}
	if (ret) {
		dev_err(dev, "no subdma adapter answers at io=0x%lx\n",
			adapter.iobase);
		return -ENODEV;
	}
	ret = subdma_check_jumpers(dev, &isa, &id, adapter.iobase);
	if (ret)
		return ret;
	irq = subdma_linux_irq(pdev, id.irq);
	if (irq < 0)
		return irq;
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(24));
	if (ret) {
		dev_err(dev, "cannot restrict DMA to 24 bits\n");
		return ret;
	}
	ret = request_dma(id.dma, dev_name(dev));
	if (ret) {
		dev_err(dev, "DMA channel %u is busy (see /proc/dma)\n", id.dma);
		return ret;
	}
	/* chipsets that wrap or hang on a full-size transfer set it */
	if (isa_dma_bridge_buggy)
		dev_info(dev, "the ISA bridge mishandles full-size DMA: windows of half a DMA page\n");
	h = subdma_host_register(dev, &adapter, &id, &subdma_8237_ops, id.dma,
				 isa_dma_bridge_buggy, irq);
	if (IS_ERR(h)) {
		free_dma(id.dma);
		return PTR_ERR(h);
	}
	platform_set_drvdata(pdev, h);
	dev_info(dev, "adapter rev %u.%u at io 0x%lx, IRQ %u, DMA %u (%u-bit), SCSI id %u\n",
		 id.rev >> 4, id.rev & 0xf, adapter.iobase, id.irq, id.dma,
		 id.dma >= 4 ? 16 : 8, id.hostid);
	return 0;
}

static int subdma_probe(struct platform_device *pdev)
{
	int ret = subdma_probe_adapter(pdev);

	/* module init reports why an adapter it was asked for is missing */
	if (!ACPI_HANDLE(&pdev->dev) && pdev->id >= 0 &&
	    pdev->id < SUBDMA_MAX_LEGACY)
		legacy_err[pdev->id] = ret;
	return ret;
}

static void subdma_remove(struct platform_device *pdev)
{
	struct subdma_host *h = platform_get_drvdata(pdev);
	unsigned int chan = h->dma.chan;

	subdma_host_unregister(h);
	free_dma(chan);
}

SUBDMA_DEFINE_PLATFORM_REMOVE(subdma_remove)

static int subdma_suspend(struct device *dev)
{
	return subdma_host_suspend(dev_get_drvdata(dev));
}

static int subdma_resume(struct device *dev)
{
	return subdma_host_resume(dev_get_drvdata(dev));
}

static DEFINE_SIMPLE_DEV_PM_OPS(subdma_pm_ops, subdma_suspend, subdma_resume);

static const struct acpi_device_id subdma_acpi_ids[] = {
	{ SUBDMA_PNP_ID, 0 },
	{ }
};
MODULE_DEVICE_TABLE(acpi, subdma_acpi_ids);

static struct platform_driver subdma_driver = {
	.probe	= subdma_probe,
	.remove	= SUBDMA_PLATFORM_REMOVE(subdma_remove),
	.driver	= {
		.name			= "subdma",
		.acpi_match_table	= ACPI_PTR(subdma_acpi_ids),
		.pm			= pm_sleep_ptr(&subdma_pm_ops),
		/* module init checks at once that io= adapters bound */
		.probe_type		= PROBE_FORCE_SYNCHRONOUS,
	},
};

/* Legacy adapters: check the parameters before touching any port */

static bool subdma_irq_valid(int n)
{
	return n >= 3 && n <= 15 && n != 8 && n != 13;
}

static int subdma_check_params(void)
{
	unsigned int i, j;

	if (irq_count > io_count || dma_count > io_count) {
		pr_err("subdma: irq= and dma= need an io= entry each\n");
		return -EINVAL;
	}
	for (i = 0; i < io_count; i++) {
		if (io[i] < 0x100 || io[i] > 0x10000 - SUBDMA_IO_EXTENT ||
		    io[i] % SUBDMA_IO_EXTENT) {
			pr_err("subdma: io=0x%x: an adapter sits at a multiple of 0x%x from 0x100 to 0x%x\n",
			       io[i], SUBDMA_IO_EXTENT,
			       0x10000 - SUBDMA_IO_EXTENT);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (io[j] == io[i]) {
				pr_err("subdma: io=0x%x is given twice\n", io[i]);
				return -EINVAL;
			}
		}
		if (i < irq_count && !subdma_irq_valid(irq[i])) {
			pr_err("subdma: irq=%d: not an ISA interrupt an adapter can use (3-7, 9-12, 14, 15)\n",
			       irq[i]);
			return -EINVAL;
		}
		if (i < dma_count && dma[i] == 4) {
			pr_err("subdma: dma=4: channel 4 cascades the two DMA controllers\n");
			return -EINVAL;
		}
		if (i < dma_count && (dma[i] < 0 || dma[i] > 7)) {
			pr_err("subdma: dma=%d: no such channel (0-3 8-bit, 5-7 16-bit)\n",
			       dma[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static void subdma_remove_legacy(void)
{
	int i;

	for (i = 0; i < SUBDMA_MAX_LEGACY; i++) {
		platform_device_unregister(legacy_dev[i]);
		legacy_dev[i] = NULL;
	}
}

static int subdma_add_legacy(unsigned int i)
{
	struct resource res = DEFINE_RES_IO(io[i], SUBDMA_IO_EXTENT);
	struct subdma_isa_config isa = {
		.irq = i < irq_count ? irq[i] : -1,
		.dma = i < dma_count ? dma[i] : -1,
	};
	struct platform_device_info info = {
		.name = "subdma", .id = i, .res = &res, .num_res = 1,
		.data = &isa, .size_data = sizeof(isa),
		.dma_mask = DMA_BIT_MASK(24),
	};
	struct platform_device *pdev;

	/*
	 * Ports another driver holds are refused before the device exists:
	 * its resource would be inserted above that driver's claim, and
	 * unregistering it would take the claim out of the tree.
	 */
	if (!request_region(io[i], SUBDMA_IO_EXTENT, "subdma")) {
		pr_err("subdma: io=0x%x: I/O ports 0x%x-0x%x are busy (see /proc/ioports)\n",
		       io[i], io[i], io[i] + SUBDMA_IO_EXTENT - 1);
		return -EBUSY;
	}
	release_region(io[i], SUBDMA_IO_EXTENT);
	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	legacy_dev[i] = pdev;
	/* probing is synchronous: an adapter asked for must be there now */
	if (!platform_get_drvdata(pdev))
		return legacy_err[i] ? legacy_err[i] : -ENODEV;
	return 0;
}

static int __init subdma_init(void)
{
	unsigned int i;
	int ret;

	ret = subdma_check_params();
	if (ret)
		return ret;
	ret = platform_driver_register(&subdma_driver);
	if (ret)
		return ret;
	for (i = 0; i < io_count; i++) {
		ret = subdma_add_legacy(i);
		if (ret) {
			pr_err("subdma: io=0x%x: no adapter added (%pe); loading nothing\n",
			       io[i], ERR_PTR(ret));
			subdma_remove_legacy();
			platform_driver_unregister(&subdma_driver);
			return ret;
		}
	}
	return 0;
}
module_init(subdma_init);

static void __exit subdma_exit(void)
{
	subdma_remove_legacy();
	platform_driver_unregister(&subdma_driver);
}
module_exit(subdma_exit);
