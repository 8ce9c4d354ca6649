import { checkPassword } from './password-policy';

const context = { username: 'ada_lovelace', email: 'ada@example.com' };
const messages = (password: string) => checkPassword(password, context).map((e) => e.message);

describe('checkPassword', () => {
  it('accepts long passphrases of any Unicode, with no composition rules', () => {
    expect(checkPassword('correct horse battery staple', context)).toEqual([]);
    expect(checkPassword('пароль-🔒-очень-длинный', context)).toEqual([]);
    expect(checkPassword('aaaaaaaaaaaaaaaaaaaaaaaaaaa', context)).toEqual([]);
  });

  it('counts characters, not UTF-16 code units', () => {
    expect(messages('🔒🔒🔒🔒🔒🔒🔒')).toEqual(['password must be at least 8 characters']);
    expect(checkPassword('🔒🔒🔒🔒🔒🔒🔒🔒', context)).toEqual([]);
    expect(checkPassword('🔒'.repeat(128), context)).toEqual([]);
    expect(messages('🔒'.repeat(129))).toEqual(['password must be at most 128 characters']);
  });

  it('refuses passwords shorter than 8 or longer than 128 characters', () => {
    expect(messages('seven77')).toEqual(['password must be at least 8 characters']);
    expect(messages('x'.repeat(129))).toEqual(['password must be at most 128 characters']);
  });

  it('refuses passwords containing the username, the email or its local part, case-insensitively', () => {
    expect(messages('my ADA_LOVELACE secret')).toContain('password must not contain the username');
    expect(messages('xx ada@example.com xx')).toContain('password must not contain the email address');
    expect(messages('hello ada world!!')).toContain('password must not contain the email address');
  });

  it('refuses the most common passwords, case-insensitively', () => {
    for (const common of ['password', 'PASSWORD', '12345678', 'qwertyuiop', 'iloveyou']) {
      expect(messages(common)).toContain('password is too common; choose a less predictable one');
    }
  });

  it('names the field it is given', () => {
    expect(checkPassword('short', context, 'new_password')).toEqual([
      { field: 'new_password', message: 'new_password must be at least 8 characters' },
    ]);
  });

  it('normalises to NFKC before checking, so lookalike forms of one password are one password', () => {
    // "ﬁ" (U+FB01) is "fi" under NFKC: "ﬁrstpass" is checked as "firstpass"
    expect(checkPassword('ﬁrstpass ﬁrstpass', context)).toEqual(checkPassword('firstpass firstpass', context));
  });
});
