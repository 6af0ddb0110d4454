import { Field, InputType, ObjectType } from 'type-graphql';
import { contentLanguageOf } from '../../core/languages.js';
import { chosenValue, textInEveryLanguage, type LocalizedValue, type TranslatedRecord } from '../../records/translations.js';
import type { RequestContext } from './context.js';

@ObjectType({ description: 'A text in one language.' })
export class LocalizedText {
  @Field(() => String, { description: 'ISO 639-1 code: sv or en.' })
  language!: string;

  @Field(() => String)
  value!: string;
}

@InputType({ description: 'A text in one language (sv or en).' })
export class LocalizedTextInput {
  @Field(() => String, { description: 'sv or en.' })
  language!: string;

  @Field(() => String)
  value!: string;
}

export const LANGUAGE_ARGUMENT_DESCRIPTION =
  'The language wanted (sv or en; sv-SE counts as sv). Without it, the request\'s Accept-Language. Falls back to the record\'s own language, then to any language the value has.';

/** The languages a caller wants, most wanted first: the field's argument, then the request's Accept-Language. */
export function wantedLanguages(ctx: RequestContext, argument: string | null | undefined): string[] {
  const asked = argument ? contentLanguageOf(argument) : null;
  return [...(asked ? [asked] : []), ...(ctx.acceptedLanguages ?? [])];
}

/** The value to show this caller (see wantedLanguages and chooseLanguage). */
export function localizedFor<V>(ctx: RequestContext, argument: string | null | undefined, values: LocalizedValue<V>[], own: string): V | null {
  return chosenValue(values, wantedLanguages(ctx, argument), own)?.value ?? null;
}

/** The name of an organisation or access body for this caller (facet labels show the same). */
export function nameFor(ctx: RequestContext, record: TranslatedRecord & { name: string }, argument: string | null = null): string {
  return localizedFor(ctx, argument, textInEveryLanguage(record, 'name'), record.language) ?? record.name;
}

/** Every language's value as LocalizedText entries (a list field gives one entry per item). */
export function localizedTexts(values: LocalizedValue<string | string[]>[]): LocalizedText[] {
  return values.flatMap(({ language, value }) => (Array.isArray(value) ? value : [value]).map((item) => ({ language, value: item })));
}
