import { Trim } from '@app/common';
import { applyDecorators } from '@nestjs/common';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const trim = Trim();

/** 1–255 characters after trimming */
export const TitleField = (): PropertyDecorator => applyDecorators(trim, IsString(), MinLength(1), MaxLength(255));

/** optional; null clears it */
export const TodoDescriptionField = (): PropertyDecorator => applyDecorators(IsOptional(), IsString(), MaxLength(1000));
