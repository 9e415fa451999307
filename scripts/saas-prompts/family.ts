// A family of SaaS prompts: one intent, one tier, several templates. In a
// template `{key}` takes a filler from the family's slots (or the shared
// pools) and `{a|b|c}` picks one of the inline alternatives, so one template
// yields many wordings of the same request.

export type Tier = "nano" | "mid" | "frontier";

export interface Family {
  name: string;
  tier: Tier;
  /** Prompts to draw per template. */
  perTemplate: number;
  templates: string[];
  slots?: Record<string, readonly string[]>;
  /** Put tier-neutral openings and endings around the prompts (default true). */
  wrap?: boolean;
}

/** Fills a template; the callback's output is never re-scanned, so code with braces in a filler is safe. */
export function fill(template: string, slots: Readonly<Record<string, readonly string[]>>, random: () => number): string {
  return template.replace(/\{([^{}]*)\}/g, (_, body: string) => {
    const options = body.includes("|") ? body.split("|") : slots[body];
    if (!options) throw new Error(`no slot ${body}`);
    return options[Math.floor(random() * options.length)]!;
  });
}
