package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PurchaseModelTest {

  @Test
  void namesAreTheRecordedModelNames() {
    assertEquals(PurchaseModel.BG_NBD, PurchaseModel.of("bg_nbd"));
    assertEquals(PurchaseModel.MBG_NBD, PurchaseModel.of(" MBG_NBD "));
    assertEquals(BgNbdParams.MODEL, PurchaseModel.BG_NBD.code());
    assertEquals(ModifiedBgNbdParams.MODEL, PurchaseModel.MBG_NBD.code());
    assertEquals(PurchaseModel.PARETO_NBD, PurchaseModel.of("pareto_nbd"));
    assertEquals(ParetoNbdParams.MODEL, PurchaseModel.PARETO_NBD.code());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PurchaseModel.of("pareto"));
    assertEquals("Unknown purchase model 'pareto'; expected one of [bg_nbd, mbg_nbd, pareto_nbd]", e.getMessage());
    // the setting also accepts auto (the selection), which is no model of its own
    assertEquals(java.util.List.of("bg_nbd", "mbg_nbd", "pareto_nbd", "auto"), PurchaseModel.settingValues());
  }

  @Test
  void eachFitsItsOwnModel() {
    RfmTriples data = Cdnow.triples();

    ClvFit<? extends TransactionModel> modified = PurchaseModel.MBG_NBD.fit(data, FitOptions.DEFAULT);
    ClvFit<? extends TransactionModel> plain = PurchaseModel.BG_NBD.fit(data, FitOptions.DEFAULT);

    assertEquals(ModifiedBgNbdParams.MODEL, modified.model());
    assertArrayEquals(ClvFitter.fitModifiedBgNbd(data).params().values(), modified.params().values(), 0);
    assertEquals(BgNbdParams.MODEL, plain.model());
    assertArrayEquals(ClvFitter.fitBgNbd(data).params().values(), plain.params().values(), 0);
    ClvFit<? extends TransactionModel> pareto = PurchaseModel.PARETO_NBD.fit(data, FitOptions.DEFAULT);
    assertEquals(ParetoNbdParams.MODEL, pareto.model());
    assertArrayEquals(ClvFitter.fitParetoNbd(data).params().values(), pareto.params().values(), 0);
  }
}
