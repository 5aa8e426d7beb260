export async function close() { throw new Error("not written yet"); }
export async function followups() {}
export async function reportAndData() {}
