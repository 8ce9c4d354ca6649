import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ValidationFailedError } from '../errors/app-error';
import { PageQueryDto } from '../http/pagination';
import { createValidationPipe } from './validation.pipe';

class ListThingsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(['name', '-name'])
  sort: string = 'name';
}

class OtherListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(['price'])
  sort: string = 'price';
}

class NoteBodyDto {
  @IsString()
  @MaxLength(10)
  text!: string;
}

const asQuery = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });

describe('the validation pipe', () => {
  let sut: ValidationPipe;
  let validations: jest.SpyInstance;

  beforeEach(() => {
    sut = createValidationPipe();
    validations = jest.spyOn(ValidationPipe.prototype, 'transform');
  });
  afterEach(() => validations.mockRestore());

  it('validates a query once; a repeat gets an equal, separate instance of the DTO', async () => {
    const query = { page: '2', sort: '-name' };
    const first = (await sut.transform({ ...query }, asQuery(ListThingsQueryDto))) as ListThingsQueryDto;
    const second = (await sut.transform({ ...query }, asQuery(ListThingsQueryDto))) as ListThingsQueryDto;

    expect(first).toBeInstanceOf(ListThingsQueryDto);
    expect(second).toBeInstanceOf(ListThingsQueryDto);
    expect({ ...second }).toEqual({ page: 2, limit: 20, sort: '-name' });
    expect(second).not.toBe(first);
    first.page = 99;
    expect(((await sut.transform({ ...query }, asQuery(ListThingsQueryDto))) as ListThingsQueryDto).page).toBe(2);
    expect(validations).toHaveBeenCalledTimes(1);
  });

  it('refuses an invalid query every time, and a valid one of the same DTO does not change that', async () => {
    await sut.transform({}, asQuery(ListThingsQueryDto));
    for (let i = 0; i < 2; i++) {
      const error: unknown = await sut
        .transform({ limit: '101', sort: 'price' }, asQuery(ListThingsQueryDto))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).errors.map((e) => e.field).sort()).toEqual(['limit', 'sort']);
    }
  });

  it('remembers per DTO: a query valid for one list is still refused by another', async () => {
    await sut.transform({ sort: 'price' }, asQuery(OtherListQueryDto));
    await expect(sut.transform({ sort: 'price' }, asQuery(ListThingsQueryDto))).rejects.toBeInstanceOf(
      ValidationFailedError,
    );
  });

  it('still refuses hostile input in queries, and validates bodies every time', async () => {
    await expect(sut.transform({ sort: 'na\u0000me' }, asQuery(ListThingsQueryDto))).rejects.toBeInstanceOf(
      ValidationFailedError,
    );
    const body: ArgumentMetadata = { type: 'body', metatype: NoteBodyDto };
    await sut.transform({ text: 'hello' }, body);
    await sut.transform({ text: 'hello' }, body);
    expect(validations).toHaveBeenCalledTimes(2);
    await expect(sut.transform({ text: 'much too long' }, body)).rejects.toBeInstanceOf(ValidationFailedError);
  });
});
