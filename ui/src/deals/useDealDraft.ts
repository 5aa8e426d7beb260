// The state of a deal form, shared by the phone (station) and the laptop: choosing a tier (or changing
// the quantity) fills the amount; changing the product clears the tier. The rules are in dealRules.ts.
import { computed, reactive, watch } from "vue";
import type { Deal, Payment, PriceTier, Product } from "../api/types.gen";
import { activeProducts, blankDraft, placesLeft, tierAmount, type DealDraft } from "./dealRules";

export function useDealDraft(products: () => Product[], deals: () => Deal[]) {
  const active = computed(() => activeProducts(products()));
  const draft = reactive<DealDraft>(blankDraft([]));
  const product = computed(() => active.value.find((p) => p.id === draft.productId) ?? null);
  const tier = computed(() => product.value?.tiers.find((x) => x.id === draft.tierId) ?? null);
  /** The chosen tier's places are all taken (the core refuses or only warns, per seminar). */
  const tierFull = computed(() => (tier.value ? placesLeft(deals(), tier.value) === 0 : false));

  function reset(payment: Payment = "deposit") {
    Object.assign(draft, blankDraft(active.value, draft.productId, payment));
  }
  function left(x: PriceTier): number | null {
    return placesLeft(deals(), x);
  }
  watch(
    () => draft.productId,
    () => (draft.tierId = null),
  );
  watch(
    () => [draft.tierId, draft.quantity] as const,
    () => {
      if (tier.value) draft.amount = tierAmount(tier.value, draft.quantity);
    },
  );
  return { draft, active, product, tier, tierFull, reset, left };
}
