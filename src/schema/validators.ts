import { IsDefined, ValidateIf } from 'class-validator';

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
