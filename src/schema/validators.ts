import { IsDefined, Length, Matches, ValidateIf } from 'class-validator';

/**
 * For update inputs: the field may be left out (undefined = unchanged) but not set to null, because the
 * column is required. Other validators on the property run only when it is given.
 */
export function NotNullWhenGiven(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_o, v) => v !== undefined)(target, key);
    IsDefined({ message: `${String(key)} cannot be null` })(target, key);
  };
}

export const LA_CODE = /^[0-9]{3}$/;
export const URN = /^[0-9]{6}$/;
export const LA_CODE_MESSAGE = 'an LA code is 3 digits';
export const URN_MESSAGE = 'a URN is 6 digits';

/**
 * A name or reference: 1 to `max` characters, neither blank nor with spaces at either end. The files
 * trim every cell, so a reference `"P1 "` made here could never be named by a file, and a blank name
 * names nothing.
 */
export function Trimmed(max: number): PropertyDecorator {
  return (target, key) => {
    Length(1, max)(target, key);
    Matches(/^\S(?:[\s\S]*\S)?$/, {
      message: `${String(key)} must not be blank or begin or end with a space`,
    })(target, key);
  };
}

/** Free text that is required: 1 to `max` characters, not blank. */
export function NotBlank(max: number): PropertyDecorator {
  return (target, key) => {
    Length(1, max)(target, key);
    Matches(/\S/, { message: `${String(key)} must not be blank` })(target, key);
  };
}
