export async function live() { throw new Error("not written yet"); }
export async function stations() {}
export async function checkins() {}
export async function talkAndDeals() {}
